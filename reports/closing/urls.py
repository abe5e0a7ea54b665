"""The outgoing body's last report (mounted under areas/<slug>/ by reports.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("handovers/<int:pk>/closing-report/", views.closing_report, name="closing-report"),
    path("handovers/<int:pk>/closing-report/edit/", views.closing_report_edit, name="closing-report-edit"),
    path("handovers/<int:pk>/closing-report.pdf", views.closing_report_pdf, name="closing-report-pdf"),
    path("handovers/<int:pk>/closing-report.docx", views.closing_report_docx, name="closing-report-docx"),
]
