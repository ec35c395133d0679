"""Back-office pages to export the catalogue and the stock levels as CSV or XLSX, and to import them back.

An import is always previewed first: a dry run through the real services shows, line by line,
what would be new, updated, unchanged or refused; only a file without refused lines can be
confirmed, and the confirmation imports the upload kept server-side (`imports.keep_upload`).
Who may do it is the catalogue's managers and admins (the services check it again).
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ashopy.core.money import format_number
from ashopy.core.spreadsheets import CONTENT_TYPES, FORMATS, write_csv, write_xlsx
from ashopy.stores.decorators import store_staff_required
from ashopy.stores.rules import CATALOGUE_ROLES

from . import imports
from .files import MAX_BYTES, MAX_ROWS, FileRefused
from .forms import ImportForm
from .resources import RESOURCES
from .widgets import FileFormat

TEMPLATES = "backoffice/catalog_io/"


def _index(request, form, status=200):
    datasets = [(kind, resource.title) for kind, resource in RESOURCES.items()]
    return render(request, f"{TEMPLATES}index.html",
                  {"form": form, "datasets": datasets, "formats": FORMATS, "max_megabytes": MAX_BYTES // (1024 * 1024),
                   "max_rows": format_number(MAX_ROWS)}, status=status)  # "2 000" in French


@require_safe
@store_staff_required(CATALOGUE_ROLES)
def index(request):
    return _index(request, ImportForm())


@require_safe
@store_staff_required(CATALOGUE_ROLES)
def export(request, kind, file_format):
    """The store's rows as a file in the page's language: `;` and decimal comma in French."""
    if kind not in RESOURCES or file_format not in FORMATS:
        raise Http404
    native = file_format == "xlsx"
    resource = RESOURCES[kind](store=request.store, user=request.user,
                               file_format=FileFormat(translation.get_language() or "fr", native=native))
    dataset = resource.export()
    content = write_xlsx(dataset) if native else write_csv(dataset, resource.file_format)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    filename = f"{kind}-{request.store.slug}-{timezone.localdate():%Y%m%d}.{file_format}"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@require_POST
@store_staff_required(CATALOGUE_ROLES)
def preview(request):
    """Dry run of an uploaded file: what it would change, line by line, and nothing written."""
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, form, status=400)
    upload, kind = form.cleaned_data["file"], form.cleaned_data["dataset"]
    content = upload.read(MAX_BYTES + 1)
    language = translation.get_language() or "fr"
    try:
        report = imports.run_import(store=request.store, user=request.user, kind=kind, content=content,
                                    filename=upload.name, language=language, dry_run=True)
    except FileRefused as refusal:
        form.add_error("file", str(refusal))
        return _index(request, form, status=400)
    token = ""
    if report.ok:
        token = imports.keep_upload(request, kind=kind, content=content, filename=upload.name, language=language)
    return render(request, f"{TEMPLATES}preview.html", {"report": report, "token": token, "filename": upload.name,
                                                        "title": RESOURCES[kind].title})


@require_POST
@store_staff_required(CATALOGUE_ROLES)
def confirm(request):
    """Import the previewed upload in one transaction; if a line is refused now, nothing is written."""
    token = request.POST.get("token", "")
    upload = imports.kept_upload(request, token)
    if upload is None:
        messages.error(request, _("This import has expired or was already done: upload the file again."))
        return redirect("staff_catalog_io:index")
    try:
        report = imports.run_import(store=request.store, user=request.user, kind=upload["kind"],
                                    content=upload["content"], filename=upload["filename"],
                                    language=upload["language"], dry_run=False)
    except FileRefused as refusal:  # the file was read once already; kept for safety
        messages.error(request, str(refusal))
        return redirect("staff_catalog_io:index")
    imports.forget_upload(request, token)
    if not report.ok:
        messages.error(request, _("Some lines are refused now: nothing was imported."))
        return render(request, f"{TEMPLATES}preview.html",
                      {"report": report, "token": "", "filename": upload["filename"],
                       "title": RESOURCES[upload["kind"]].title}, status=400)
    messages.success(request, _("Import done: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.") % {
        "new": report.counts["new"], "updated": report.counts["updated"], "unchanged": report.counts["unchanged"]})
    return redirect("staff_catalog_io:index")


