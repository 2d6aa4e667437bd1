package passerelle

import "strings"

// Cover is a practice's optional cover image, shown on its cards and its
// sheet. It is stored resized, once per width of CoverWidths, under Key
// (random, renewed with every new image, so that its files can be cached
// for good); Alt describes it for people who do not see it.
type Cover struct {
	Key    string `json:"key"`
	Alt    string `json:"alt"`
	Width  int    `json:"width"` // of the image received, for the aspect ratio
	Height int    `json:"height"`
}

// CoverWidths are the widths a cover is stored in, in pixels. An image
// narrower than one of them is never enlarged: that size holds it as it
// came.
var CoverWidths = []int{320, 640, 1280}

// CoverTypes are the types a cover may have, detected from its content.
var CoverTypes = []string{"image/jpeg", "image/png", "image/webp"}

// MaxCoverPixels bounds the size of a picture decoded for a cover (a small
// file may declare a huge picture).
const MaxCoverPixels = 40_000_000

// maxCoverAlt is the longest alternative text, in characters.
const maxCoverAlt = 300

// ValidateCoverAlt checks the alternative text of a cover: required (a
// cover without it fails RGAA 1.1), one line, at most 300 characters.
// Errors: validation_failed naming "cover_alt".
func ValidateCoverAlt(alt string) error {
	v := Validation{}
	if strings.TrimSpace(alt) == "" {
		v.Add("cover_alt", FieldRequired)
	}
	tooLong(v, "cover_alt", alt, maxCoverAlt)
	v.Line("cover_alt", alt)
	return v.Err()
}

// Scaled returns the size of the cover stored for width w (one of
// CoverWidths): w wide unless the image is narrower.
func (c *Cover) Scaled(w int) (width, height int) {
	if c.Width <= 0 || c.Height <= 0 {
		return w, 0
	}
	width = min(w, c.Width)
	return width, max(1, c.Height*width/c.Width)
}
