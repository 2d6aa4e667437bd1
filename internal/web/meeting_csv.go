package web

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/view"
)

// writeAttendance writes the attendance list of a meeting as CSV for a
// spreadsheet: a byte order mark so that Excel reads UTF-8, semicolons, a
// header row in the reader's language, one row per registration (seats,
// then the waiting list, then cancellations), and every cell that a
// spreadsheet would take for a formula defused.
func writeAttendance(w io.Writer, tr *view.Translator, m *passerelle.Meeting, regs []passerelle.Registration) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	header := []string{tr.T("meetings.csv.name"), tr.T("meetings.csv.email"), tr.T("meetings.csv.status"),
		tr.T("meetings.csv.position"), tr.T("meetings.csv.registered_at"), tr.T("meetings.csv.attended"), tr.T("meetings.csv.signature")}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range regs {
		pos, came := "", ""
		if r.Status == passerelle.RegistrationWaiting {
			pos = strconv.Itoa(r.WaitingRank)
		}
		if r.Attended != nil {
			came = tr.T("meetings.csv.no")
			if *r.Attended {
				came = tr.T("meetings.csv.yes")
			}
		}
		row := []string{cell(r.UserName), cell(r.UserEmail), tr.T("meetings.registration.status." + string(r.Status)), pos,
			r.RegisteredAt.In(passerelle.MeetingZone).Format("2006-01-02 15:04"), came, ""}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell defuses a value a spreadsheet would run as a formula (CSV injection).
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
