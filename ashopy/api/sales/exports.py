"""The accountant's exports under /api/v1/staff/accounting/: a period's sales journal as CSV or XLSX, and its
VAT summary as JSON.

The files are the back office's (`sales.journal_files`): CSV in the request's language, XLSX with real
numbers and dates. Who may export is `sales.journal.authorize_export` (administrators and stock managers;
a salesperson gets 403); a period that runs backwards or lasts more than 366 days is a 400.
"""

from django.http import HttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.core.spreadsheets import CONTENT_TYPES, FileFormat
from ashopy.sales import journal, journal_files

from ..errors import error_responses
from .serializers import AccountingPeriodSerializer, JournalQuerySerializer, VatSummarySerializer
from .views import FirstRenderer, StaffSalesAPI

FILES = {(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV, UTF-8 with a BOM."),
         (200, CONTENT_TYPES["xlsx"]): OpenApiResponse(OpenApiTypes.BINARY, description="An XLSX workbook.")}


class JournalView(StaffSalesAPI, APIView):
    content_negotiation_class = FirstRenderer

    @extend_schema(summary="The sales journal of a period: one row per issued document and VAT rate",
                   tags=["staff accounting"], parameters=[JournalQuerySerializer],
                   responses={**FILES, **error_responses(400, 401, 403)},
                   description="Credit notes count negative, so the rows add up to the period's invoices less "
                               "its credit notes. Dates are issue dates, both included.")
    def get(self, request):
        data = self.valid(JournalQuerySerializer, request.query_params).validated_data
        store, extension = request.store, data["format"]
        journal.authorize_export(user=request.user, store=store)
        made = journal_files.period_file(
            store=store, document="journal", date_from=data["start"], date_to=data["end"],
            file_format=FileFormat(translation.get_language() or "fr", native=extension == "xlsx"))
        response = HttpResponse(made.content, content_type=made.content_type)
        filename = journal_files.file_name(store=store, document="journal", date_from=data["start"],
                                           date_to=data["end"], extension=extension)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response


class VatSummaryView(StaffSalesAPI, APIView):
    @extend_schema(summary="The VAT summary of a period, per rate (highest first) and in total",
                   tags=["staff accounting"], parameters=[AccountingPeriodSerializer],
                   responses={200: VatSummarySerializer, **error_responses(400, 401, 403)},
                   description="Per rate: the bases and VAT of the period's invoices, of its credit notes "
                               "(negative) and the net of both.")
    def get(self, request):
        data = self.valid(AccountingPeriodSerializer, request.query_params).validated_data
        store = request.store
        journal.authorize_export(user=request.user, store=store)
        summary = journal.vat_summary(store=store, date_from=data["start"], date_to=data["end"])
        body = {"start": data["start"], "end": data["end"], "currency": summary.currency, "rates": summary.rates,
                "total": summary.total}
        return Response(VatSummarySerializer(body, context={"currency": summary.currency}).data)
