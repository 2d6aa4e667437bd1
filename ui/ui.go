// Package ui holds Passerelle's presentation assets, embedded in the binary:
//
//   - templates/: layout.html, partials/*.html and one <page>.html per page
//     (html/template, rendered by internal/view);
//   - static/: stylesheet, progressive-enhancement script and icons, served
//     with fingerprinted URLs;
//   - locales/: fr.json and en.json, flat key → message maps.
package ui

import "embed"

// FS is the embedded tree of templates, static files and locale files, rooted
// so that paths are "templates/...", "static/..." and "locales/...".
//
//go:embed templates static locales
var FS embed.FS
