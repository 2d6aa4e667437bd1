// Package reference holds reference data shipped with Passerelle: the
// territory file of the Hauts-de-France region (see README.md), in the format
// "passerelle territory import" reads.
package reference

import _ "embed"

// HautsDeFrance is territories-hauts-de-france.csv: the region, its five
// departments, its main intercommunalities (EPCI, by SIREN) and communes (by
// INSEE code).
//
//go:embed territories-hauts-de-france.csv
var HautsDeFrance []byte
