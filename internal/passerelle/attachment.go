package passerelle

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Attachment is a file attached to a practice: a PDF, a picture, an office
// document or plain text. The file lives in the attachments bucket under
// Key, which is random; Name is the uploader's file name, cleaned, for
// display and download only.
type Attachment struct {
	ID          int64
	PracticeID  int64
	MeetingID   int64 // for a file of a meeting (then PracticeID is 0)
	Key         string
	Name        string
	ContentType string // as detected from the content, never as declared
	Size        int64
	UploadedBy  int64
	CreatedAt   time.Time
}

// MaxAttachments is the number of files a practice may hold; one more is a
// conflict.
const MaxAttachments = 10

// DefaultMaxAttachmentSize is the size limit of one file unless configured.
const DefaultMaxAttachmentSize = 20 << 20

// DefaultAttachmentQuota is how much an account may store in attachments
// (of practices and meetings together) unless configured
// (--attachment-quota): one contributor cannot fill the disk.
const DefaultAttachmentQuota = 500 << 20

// FieldQuota is the reason of a file refused because its account's
// attachments would go over the storage quota (code too_large).
const FieldQuota = "quota"

// QuotaExceeded is the error of an upload that would take its account's
// attachments over quota bytes.
func QuotaExceeded(quota int64) error {
	return &Error{Code: ETooLarge, Fields: map[string]string{"file": FieldQuota},
		Message: fmt.Sprintf("This file would take your attachments over your storage quota of %d bytes (--attachment-quota); remove files you no longer need first.", quota)}
}

// AttachmentTypes lists the accepted types of attachment, as detected from
// their content, each with the extension a downloaded file gets when its
// name has none of the type's extensions. Anything else — HTML, SVG,
// scripts, executables, archives, legacy Office files that may carry macros —
// is refused as unsupported_media_type.
var AttachmentTypes = map[string][]string{
	"application/pdf": {".pdf"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/webp":      {".webp"},
	"text/plain":      {".txt", ".text", ".md"},
	"application/vnd.oasis.opendocument.text":                                   {".odt"},
	"application/vnd.oasis.opendocument.spreadsheet":                            {".ods"},
	"application/vnd.oasis.opendocument.presentation":                           {".odp"},
	"application/vnd.oasis.opendocument.graphics":                               {".odg"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {".docx"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {".xlsx"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
}

// AttachmentName cleans a file name given by an uploader for display and for
// the Content-Disposition of downloads: no folders, no control or
// reserved characters, no leading dots, at most 150 characters, and an
// extension that matches contentType (added when missing or different).
func AttachmentName(name, contentType string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if name = path.Base("/" + name); name == "/" {
		name = ""
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		case strings.ContainsRune(`<>:"/\|?*`, r):
			return '_'
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	name = strings.TrimLeft(name, ". ")
	exts := AttachmentTypes[contentType]
	ext := strings.ToLower(path.Ext(name))
	base := name
	matches := false
	for _, e := range exts {
		matches = matches || e == ext
	}
	if matches {
		base = strings.TrimSuffix(name, path.Ext(name))
	} else if len(exts) > 0 {
		ext = exts[0]
	} else {
		ext = ""
	}
	if base == "" {
		base = "piece-jointe"
	}
	if r := []rune(base); len(r) > 150 {
		base = strings.TrimSpace(string(r[:150]))
	}
	return base + ext
}
