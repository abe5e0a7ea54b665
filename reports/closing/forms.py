"""The staff's words in the outgoing body's last report."""

from __future__ import annotations

from django import forms

from quality_system.forms import GovForm, LongTextField

NOTE = {"max_length": 5000, "required": False}


class ClosingReportForm(GovForm):
    submit_label = "Save the report"
    introduction = LongTextField(label="Introduction", help_text="A few words about the year and the handover.", **NOTE)
    people_note = LongTextField(label="What people told us", help_text="Shown above the counts by theme.", **NOTE)
    alerts_note = LongTextField(label="Alerts we raised", help_text="Shown above the alerts and their answers.", **NOTE)
    recommendations_note = LongTextField(
        label="Reports and recommendations", help_text="Shown above the recommendations and their answers.", **NOTE
    )
    handed_on_note = LongTextField(label="What we hand on", help_text="Shown above what moves to whom.", **NOTE)
    publish = forms.BooleanField(
        label="Publish the report",
        required=False,
        help_text="Once published, everyone who uses the quality system in this area can read it.",
    )
