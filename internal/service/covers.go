package service

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // decoders of the accepted types
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/gabriel-vasile/mimetype"
	"github.com/uptrace/bun"
	"gocloud.dev/blob"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// coverQuality is the JPEG quality of the stored sizes of a cover.
const coverQuality = 82

// coverFile is the key of the file of cover c at width w.
func coverFile(c *passerelle.Cover, w int) string {
	return c.Key + "/" + strconv.Itoa(w) + ".jpg"
}

// coverError is the error of a refused cover image, naming "cover".
func coverError(code, reason, msg string) error {
	return &passerelle.Error{Code: code, Message: msg, Fields: map[string]string{"cover": reason}}
}

// SetCover gives a practice the cover image read from content, described
// by alt: checked by its content (JPEG, PNG or WebP, decoded whole), then
// stored as JPEG at each of passerelle.CoverWidths (never enlarged) in the
// attachments bucket; the previous cover's files are deleted. It is the
// author's, while the practice is editable, like its files. Errors:
// unauthenticated, not_found, forbidden, conflict (not editable),
// validation_failed naming "cover_alt" (missing, too long) or "cover"
// (empty, unreadable picture), unsupported_media_type, too_large (over the
// attachments' size limit, or a picture of more than
// passerelle.MaxCoverPixels).
func (s *Service) SetCover(ctx context.Context, actor Actor, practiceID int64, alt string, content io.Reader) (*passerelle.Practice, error) {
	p, snap, err := s.loadFor(ctx, actor, practiceID, passerelle.ActionAttach)
	if err != nil {
		return nil, err
	}
	alt = strings.TrimSpace(alt)
	if err := passerelle.ValidateCoverAlt(alt); err != nil {
		return nil, err
	}
	limit := s.maxAttachmentSize()
	data, err := io.ReadAll(io.LimitReader(content, limit+1))
	switch {
	case err != nil:
		return nil, readError(err)
	case len(data) == 0:
		return nil, coverError(passerelle.EValidation, passerelle.FieldRequired, "The image is empty.")
	case int64(len(data)) > limit:
		return nil, coverError(passerelle.ETooLarge, passerelle.FieldTooLong, "The image is too large.")
	}
	base, _, _ := strings.Cut(mimetype.Detect(data).String(), ";")
	if !slices.Contains(passerelle.CoverTypes, base) {
		return nil, coverError(passerelle.EUnsupported, passerelle.FieldUnknown, "A cover is a JPEG, PNG or WebP picture.")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, coverError(passerelle.EValidation, passerelle.FieldInvalid, "The picture cannot be read.")
	}
	if cfg.Width*cfg.Height > passerelle.MaxCoverPixels {
		return nil, coverError(passerelle.ETooLarge, passerelle.FieldTooLong, "The picture has too many pixels.")
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, coverError(passerelle.EValidation, passerelle.FieldInvalid, "The picture cannot be read.")
	}
	// Upright as the phone meant it: the sides as shown.
	o := 1
	if base == "image/jpeg" {
		o = jpegOrientation(data)
	}
	width, height := cfg.Width, cfg.Height
	if swapsSides(o) {
		width, height = height, width
	}
	c := &passerelle.Cover{Key: strings.Replace(newStorageKey(p.ID), "practices/", "covers/", 1), Alt: alt,
		Width: width, Height: height}
	written, err := s.writeCover(ctx, c, img, o)
	if err != nil {
		s.deleteCoverFiles(written)
		return nil, err
	}
	var old *passerelle.Cover
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.LockPractice(ctx, tx, p.ID); err != nil {
			return err
		}
		cur, err := store.GetPractice(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if _, err := checkActivity(snap, actor, cur, passerelle.ActionAttach); err != nil {
			return err
		}
		old = cur.Cover
		return store.SetCover(ctx, tx, p.ID, c)
	})
	if err != nil {
		s.deleteCoverFiles(written)
		return nil, err
	}
	s.deleteCover(old)
	return s.reload(ctx, s.DB.Bun, p.ID)
}

// writeCover stores img at each width of the cover, turned as its EXIF
// orientation says, and returns the keys it wrote (to delete them should
// anything fail).
func (s *Service) writeCover(ctx context.Context, c *passerelle.Cover, img image.Image, orientation int) ([]string, error) {
	var written []string
	for _, w := range passerelle.CoverWidths {
		width, height := c.Scaled(w)
		if swapsSides(orientation) { // scaled as stored, then turned: cheap on the small picture
			width, height = height, width
		}
		dst := image.NewRGBA(image.Rect(0, 0, width, height))
		// Transparent parts of a PNG or WebP become white, as on the page.
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Over, nil)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, orient(dst, orientation), &jpeg.Options{Quality: coverQuality}); err != nil {
			return written, err
		}
		key := coverFile(c, w)
		written = append(written, key)
		if _, err := s.writeFile(ctx, key, "image/jpeg", &buf, int64(buf.Len())); err != nil {
			return written, err
		}
	}
	return written, nil
}

func (s *Service) deleteCoverFiles(keys []string) {
	for _, k := range keys {
		s.deleteFile(k)
	}
}

// deleteCover deletes the files of a cover no row refers to any more.
func (s *Service) deleteCover(c *passerelle.Cover) {
	if c == nil {
		return
	}
	for _, w := range passerelle.CoverWidths {
		s.deleteFile(coverFile(c, w))
	}
}

// RemoveCover takes a practice's cover away (its author, while editable);
// a working revision takes away its own and the published sheet's, which
// goes when the update is approved. Errors: unauthenticated, not_found,
// forbidden, conflict.
func (s *Service) RemoveCover(ctx context.Context, actor Actor, practiceID int64) error {
	p, snap, err := s.loadFor(ctx, actor, practiceID, passerelle.ActionAttach)
	if err != nil {
		return err
	}
	var old *passerelle.Cover
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.LockPractice(ctx, tx, p.ID); err != nil {
			return err
		}
		cur, err := store.GetPractice(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if _, err := checkActivity(snap, actor, cur, passerelle.ActionAttach); err != nil {
			return err
		}
		old = cur.Cover
		if err := store.SetCover(ctx, tx, p.ID, nil); err != nil {
			return err
		}
		if !cur.IsUpdate() {
			return nil
		}
		// An update removes the published cover too: on approval only
		// (applyRemovals).
		pub, err := store.GetPractice(ctx, tx, cur.UpdateOf)
		if err != nil || pub.Cover == nil {
			return err
		}
		return store.MarkCoverRemoved(ctx, tx, p.ID, pub.Cover.Key)
	})
	if err != nil {
		return err
	}
	s.deleteCover(old)
	return nil
}

// OpenCover opens the file of a practice's cover at width w, for whoever
// may see the practice (the rule of visibility, as for the practice
// itself); key is the cover's key as its address names it, so that an
// address serves one picture for good. It returns whether the practice is
// published (its picture may then be cached by anyone). Errors: not_found
// (also for a practice actor may not see, an old key, an unknown width).
func (s *Service) OpenCover(ctx context.Context, actor Actor, practiceID int64, key string, w int) (*blob.Reader, bool, error) {
	p, _, err := s.load(ctx, s.DB.Read, actor, practiceID)
	if err != nil {
		return nil, false, err
	}
	notFound := passerelle.Errorf(passerelle.ENotFound, "Cover not found.")
	if p.Cover == nil || CoverToken(p.Cover) != key || !slices.Contains(passerelle.CoverWidths, w) {
		return nil, false, notFound
	}
	r, err := s.Files.NewReader(ctx, coverFile(p.Cover, w), nil)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, false, err
		}
		return nil, false, notFound
	}
	return r, p.Published(), nil
}

// CoverToken is the part of a cover's key its addresses carry.
func CoverToken(c *passerelle.Cover) string {
	return c.Key[strings.LastIndexByte(c.Key, '/')+1:]
}
