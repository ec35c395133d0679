"""The invoice and credit note documents: the Factur-X XML (EN 16931) and the PDF/A-3b that carries it."""

import io
import re
from decimal import Decimal

import facturx
import pypdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from lxml import etree

from ashopy.sales.documents import VAT_EXEMPTION, facturx_xml, render_pdf
from tests.sales.conftest import FRENCH_BUYER, FRENCH_LINES, FRENCH_SELLER, make_invoice

pytestmark = pytest.mark.postgres

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"
SUMMATION = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
PDFAID = "http://www.aiim.org/pdfa/ns/id/"
FACTURX = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
# A 1×1 red PNG, for the logo.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8"
                    "cfc000000301010018dd8db00000000049454e44ae426082")


def xml_of(invoice):
    return etree.fromstring(facturx_xml(invoice))


def texts(root, path):
    return [node.text for node in root.xpath(path, namespaces=NS)]


def decimal_at(root, path):
    return Decimal(texts(root, path)[0])


def text_of(pdf: bytes) -> str:
    """The PDF's text on one line: line breaks and no-break spaces (babel's, French typography's) read as spaces."""
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


def pdfa_identification(pdf: bytes) -> tuple[str, str]:
    """pdfaid:part and pdfaid:conformance of the XMP metadata, as attributes or as elements."""
    xmp = etree.fromstring(pypdf.PdfReader(io.BytesIO(pdf)).xmp_metadata.stream.get_data())
    values = {}
    for name in ("part", "conformance"):
        attribute = xmp.xpath(f"//@*[local-name()='{name}' and namespace-uri()='{PDFAID}']")
        element = xmp.xpath(f"//*[local-name()='{name}' and namespace-uri()='{PDFAID}']/text()")
        values[name] = str((attribute or element)[0])
    return values["part"], values["conformance"]


def fonts_of(pdf: bytes) -> dict[str, list[str]]:
    """Each font the pages use, with the font file streams its descriptor holds."""
    fonts = {}
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[font["/BaseFont"]] = [key for key in descriptor.get_object() if key.startswith("/FontFile")]
    return fonts


# The XML

@pytest.mark.parametrize("name", ["french_invoice", "credit_note", "exempt_invoice", "senegalese_invoice"])
def test_the_xml_is_valid_against_the_en16931_schema(db, request, name):
    assert facturx.xml_check_xsd(facturx_xml(request.getfixturevalue(name)), flavor="factur-x", level="en16931")


def test_the_invoice_xml_says_what_the_invoice_stored(french_invoice):
    root = xml_of(french_invoice)
    assert texts(root, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert texts(root, "//rsm:ExchangedDocument/ram:ID") == ["FAC-2026-000017"]
    assert texts(root, "//rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString") == ["20261205"]
    assert texts(root, f"{SETTLEMENT}/ram:InvoiceCurrencyCode") == ["EUR"]
    seller = "//ram:SellerTradeParty"
    assert texts(root, f"{seller}/ram:Name") == ["Informatique Durand SAS"]
    assert root.xpath(f"{seller}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID", namespaces=NS) == ["0002"]
    assert texts(root, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID") == ["912345678"]
    assert texts(root, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == ["FR12912345678"]
    assert "RCS Paris 912 345 678" in texts(root, f"{seller}/ram:Description")[0]
    buyer = "//ram:BuyerTradeParty"
    assert texts(root, f"{buyer}/ram:Name") == ["Atelier Petit SARL"]
    assert texts(root, f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID") == ["552100554"]
    assert texts(root, f"{buyer}/ram:SpecifiedTaxRegistration/ram:ID") == ["FR40552100554"]
    assert texts(root, f"{buyer}/ram:PostalTradeAddress/ram:CityName") == ["Lyon"]
    assert texts(root, "//ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CityName") == ["Meyzieu"]
    assert texts(root, "//ram:SellerOrderReferencedDocument/ram:IssuerAssignedID") == ["CMD-2026-00042"]
    terms = f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms"
    assert texts(root, f"{terms}/ram:DueDateDateTime/udt:DateTimeString") == ["20270104"]
    assert texts(root, f"{terms}/ram:Description") == ["Paiement à 30 jours"]
    notes = dict(zip(texts(root, "//ram:IncludedNote/ram:SubjectCode"),
                     texts(root, "//ram:IncludedNote[ram:SubjectCode]/ram:Content"), strict=True))
    assert notes.keys() == {"PMD", "PMT"}
    assert "10,00 %" in notes["PMD"].replace("\u00a0", " ")
    assert "40,00" in notes["PMT"]
    assert texts(root, "//ram:IncludedSupplyChainTradeLineItem//ram:SellerAssignedID") == ["TP-X1C", "MS-01", "BK-7"]
    assert texts(root, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["1250.00", "24.90", "18.9573"]
    assert texts(root, "//ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount") == [
        "4.98"]


def test_the_amounts_add_up_as_en16931_requires(french_invoice):
    """The schematron's arithmetic (BR-CO-10, 13, 15, 16, BR-S-08, BR-CO-17), checked here: it needs no server."""
    root = xml_of(french_invoice)
    line_nets = [Decimal(value) for value in texts(root, "//ram:SpecifiedTradeSettlementLineMonetarySummation/"
                                                         "ram:LineTotalAmount")]
    assert decimal_at(root, f"{SUMMATION}/ram:LineTotalAmount") == sum(line_nets) == Decimal("1351.69")
    assert decimal_at(root, f"{SUMMATION}/ram:TaxBasisTotalAmount") == sum(line_nets)
    tax_total = decimal_at(root, f"{SUMMATION}/ram:TaxTotalAmount")
    assert decimal_at(root, f"{SUMMATION}/ram:GrandTotalAmount") == sum(line_nets) + tax_total == Decimal("1613.78")
    assert decimal_at(root, f"{SUMMATION}/ram:DuePayableAmount") == Decimal("1613.78") - Decimal("500.00")
    assert decimal_at(root, f"{SUMMATION}/ram:TotalPrepaidAmount") == Decimal("500.00")
    breakdown = root.xpath(f"{SETTLEMENT}/ram:ApplicableTradeTax", namespaces=NS)
    assert [(texts(row, "ram:CategoryCode")[0], texts(row, "ram:RateApplicablePercent")[0]) for row in breakdown] == [
        ("S", "20.00"), ("S", "5.50")]
    for row in breakdown:
        rate = decimal_at(row, "ram:RateApplicablePercent")
        lines_at_rate = root.xpath(f"//ram:IncludedSupplyChainTradeLineItem[.//ram:RateApplicablePercent='{rate:.2f}']"
                                   "//ram:LineTotalAmount", namespaces=NS)
        assert decimal_at(row, "ram:BasisAmount") == sum(Decimal(node.text) for node in lines_at_rate)
        expected = (decimal_at(row, "ram:BasisAmount") * rate / 100).quantize(Decimal("0.01"))
        assert abs(decimal_at(row, "ram:CalculatedAmount") - expected) <= 1
    assert sum(decimal_at(row, "ram:CalculatedAmount") for row in breakdown) == tax_total


def test_the_credit_note_xml_refers_to_the_invoice_it_corrects(credit_note):
    root = xml_of(credit_note)
    assert texts(root, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert texts(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == ["FAC-2026-000017"]
    assert texts(root, "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/*") == ["20261205"]
    assert decimal_at(root, f"{SUMMATION}/ram:GrandTotalAmount") == Decimal("53.78")  # positive, as EN 16931 wants
    assert "Souris retournées (défaut)" in texts(root, "//rsm:ExchangedDocument/ram:IncludedNote/ram:Content")


def test_an_exempt_seller_invoices_in_category_e_with_its_reason(exempt_invoice):
    root = xml_of(exempt_invoice)
    assert texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode") == ["E"]
    assert texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReason") == [VAT_EXEMPTION]
    assert texts(root, "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == ["E", "E"]
    # No VAT number: the SIREN is its tax registration (BR-E-02).
    assert texts(root, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == ["823456789"]


def test_a_zero_rate_of_a_seller_that_charges_vat_is_category_z(french_store):
    invoice = make_invoice(french_store, seller=FRENCH_SELLER, buyer=FRENCH_BUYER, number="FAC-2026-000018",
                           lines=[FRENCH_LINES[0], ("Livraison intracommunautaire", "", "1", "15.00", "0", "0.00")])
    root = xml_of(invoice)
    assert texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode") == ["S", "Z"]
    assert not texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReason")


def test_xof_amounts_have_no_decimals(senegalese_invoice):
    root = xml_of(senegalese_invoice)
    assert texts(root, f"{SUMMATION}/ram:GrandTotalAmount") == ["493750"]
    assert texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:BasisAmount") == ["362500", "60000"]
    assert texts(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CalculatedAmount") == ["65250", "6000"]
    assert texts(root, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == ["350000", "30000", "2500"]
    assert texts(root, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == ["005123456 2G3"]


def test_a_draft_has_no_xml(french_store):
    draft = make_invoice(french_store, seller=FRENCH_SELLER, buyer=FRENCH_BUYER, lines=FRENCH_LINES)
    with pytest.raises(ValueError, match="draft"):
        facturx_xml(draft)


def test_totals_that_are_not_the_sum_of_the_lines_get_no_xml(french_invoice):
    french_invoice.total_net += Decimal("0.01")  # in memory only: the database would refuse it
    with pytest.raises(ValueError, match="not the sum of its lines"):
        facturx_xml(french_invoice)


# The PDF

def test_a_french_pdf_is_a_factur_x_pdf_a3(french_invoice):
    pdf = render_pdf(french_invoice)
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert (filename, xml) == ("factur-x.xml", facturx_xml(french_invoice))
    assert pdfa_identification(pdf) == ("3", "B")
    assert facturx.get_level(etree.fromstring(xml), "factur-x") == "en16931"


def test_the_xml_is_attached_with_the_metadata_factur_x_asks_for(french_invoice):
    """One pass of WeasyPrint writes it: the library reads it back, the XMP describes it as Factur-X EN 16931."""
    pdf = render_pdf(french_invoice)
    assert facturx.get_facturx_xml_from_pdf(pdf, check_xsd=True) == ("factur-x.xml", facturx_xml(french_invoice))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    [filespec] = [reference.get_object() for reference in reader.trailer["/Root"]["/AF"]]
    assert (filespec["/UF"], filespec["/AFRelationship"]) == ("factur-x.xml", "/Data")
    assert filespec["/EF"]["/F"].get_object()["/Subtype"] == "/text/xml"
    xmp = etree.fromstring(reader.xmp_metadata.stream.get_data())
    namespaces = {"fx": FACTURX, "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
                  "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#"}
    assert [xmp.xpath(f"//fx:{name}/text()", namespaces=namespaces)
            for name in ("DocumentType", "DocumentFileName", "Version", "ConformanceLevel")] == [
        ["INVOICE"], ["factur-x.xml"], ["1.0"], ["EN 16931"]]
    # The PDF/A extension schema that declares the fx properties, as PDF/A wants for a non-standard namespace.
    assert xmp.xpath("//pdfaSchema:namespaceURI/text()", namespaces=namespaces) == [FACTURX]
    assert xmp.xpath("//pdfaSchema:prefix/text()", namespaces=namespaces) == ["fx"]
    assert sorted(xmp.xpath("//pdfaProperty:name/text()", namespaces=namespaces)) == [
        "ConformanceLevel", "DocumentFileName", "DocumentType", "Version"]
    assert pdfa_identification(pdf) == ("3", "B")
    info = reader.metadata
    assert (info["/Author"], info["/Keywords"]) == ("Informatique Durand SAS", "Factur-X")
    assert info["/Title"] == info["/Subject"] == "Durand Bureautique – Facture FAC-2026-000017"


@pytest.mark.parametrize("name", ["french_invoice", "senegalese_invoice", "credit_note"])
def test_every_font_is_embedded(db, request, name):
    fonts = fonts_of(render_pdf(request.getfixturevalue(name)))
    # The template's own faces (DejaVu Sans, regular and bold), not a fallback the machine picked.
    assert sorted(re.sub(r"^/[A-Z]{6}\+", "", str(font)) for font in fonts) == ["Document-Sans", "Document-Sans-Bold"]
    assert all(files for files in fonts.values()), fonts


def test_the_french_invoice_page(french_invoice):
    text = text_of(render_pdf(french_invoice))
    for expected in ["FAC-2026-000017", "Atelier Petit SARL", "Camille Petit", "Meyzieu", "CMD-2026-00042",
                     "Informatique Durand SAS", "SIREN", "912345678", "FR12912345678", "RCS Paris 912 345 678",
                     "SAS", "10 000 €", "Ordinateur portable ThinkPad X1 Carbon", "TP-X1C", "1 250,00 €",
                     "18,96 €", "4,98 €", "1 613,78 €", "500,00 €", "1 113,78 €", "Virement bancaire",
                     "5 décembre 2026", "4 janvier 2027", "3 décembre 2026", "40,00 €", "10,00 %",
                     "Merci de rappeler le numéro de facture"]:
        assert expected in text, expected
    # One line per VAT rate: rate, base, VAT, total.
    assert re.search(r"20 %\s*1 294,82 €\s*258,96 €\s*1 553,78 €", text), text
    assert re.search(r"5,5 %\s*56,87 €\s*3,13 €\s*60,00 €", text), text
    assert VAT_EXEMPTION not in text


def test_an_exempt_seller_says_so(exempt_invoice):
    text = text_of(render_pdf(exempt_invoice))
    assert VAT_EXEMPTION in text
    assert "0 %" in text and "980,00 €" in text


def test_the_credit_note_page(credit_note):
    text = text_of(render_pdf(credit_note))
    assert "AV-2026-000003" in text
    assert "FAC-2026-000017" in text and "5 décembre 2026" in text
    assert "Souris retournées (défaut)" in text
    assert "53,78 €" in text


def test_a_senegalese_pdf_has_francs_cfa_and_no_xml(senegalese_invoice):
    pdf = render_pdf(senegalese_invoice)
    assert facturx.get_xml_from_pdf(pdf, check_xsd=False) == (False, False)
    assert not pypdf.PdfReader(io.BytesIO(pdf)).attachments
    assert pdfa_identification(pdf) == ("3", "B")
    text = text_of(pdf)
    for expected in ["FAC-2026-000101", "Awa Diop", "Teranga Digital SARL", "005123456 2G3", "SN-DKR-2020-B-12345",
                     "12 500 F CFA", "350 000 F CFA", "493 750 F CFA", "Wave"]:
        assert expected in text, expected
    assert re.search(r"18 %\s*362 500 F CFA\s*65 250 F CFA\s*427 750 F CFA", text), text
    assert re.search(r"10 %\s*60 000 F CFA\s*6 000 F CFA\s*66 000 F CFA", text), text
    assert not re.search(r"\d,\d+ F CFA", text)  # no decimals on francs CFA
    assert "40,00" not in text and VAT_EXEMPTION not in text


def test_a_draft_says_so_and_carries_no_xml_even_in_france(french_store):
    draft = make_invoice(french_store, seller=FRENCH_SELLER, buyer=FRENCH_BUYER, lines=FRENCH_LINES)
    pdf = render_pdf(draft)
    assert not pypdf.PdfReader(io.BytesIO(pdf)).attachments
    assert pdfa_identification(pdf) == ("3", "B")
    assert "Facture (brouillon)" in text_of(pdf)


def test_the_page_is_in_the_invoice_language_whatever_the_active_one(french_store):
    invoice = make_invoice(french_store, seller=FRENCH_SELLER, buyer=FRENCH_BUYER, lines=FRENCH_LINES,
                           number="FAC-2026-000019", language="en")
    text = text_of(render_pdf(invoice))
    assert "Invoice" in text and "€1,613.78" in text and "Dec. 5, 2026" in text and "Payment within 30 days" in text


def test_the_page_shows_the_snapshot_not_the_live_store(french_invoice, french_store):
    french_store.legal_name = "Nouveau Nom SAS"
    french_store.save()
    assert "Nouveau Nom SAS" not in text_of(render_pdf(french_invoice))


def test_the_logo_comes_from_the_storage(french_store, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("stores/logo.png", ContentFile(PNG))
    invoice = make_invoice(french_store, seller=FRENCH_SELLER | {"logo": name}, buyer=FRENCH_BUYER,
                           lines=FRENCH_LINES, number="FAC-2026-000020")
    images = [image for page in pypdf.PdfReader(io.BytesIO(render_pdf(invoice))).pages for image in page.images]
    assert len(images) == 1


def test_a_missing_logo_does_not_stop_the_document(french_store, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    invoice = make_invoice(french_store, seller=FRENCH_SELLER | {"logo": "stores/gone.png"}, buyer=FRENCH_BUYER,
                           lines=FRENCH_LINES, number="FAC-2026-000021")
    assert "FAC-2026-000021" in text_of(render_pdf(invoice))


def test_the_collector_is_paused_during_a_render_and_running_again_after(french_invoice, monkeypatch):
    """render_pdf stops Python's cyclic collector while WeasyPrint works (a tenth of its CPU, see
    docs/architecture.md) and starts it again after, even when the render fails."""
    import gc

    from ashopy.sales import documents

    seen = []
    write_pdf = documents.HTML.write_pdf
    monkeypatch.setattr(documents.HTML, "write_pdf", lambda self, **options: seen.append(gc.isenabled())
                        or write_pdf(self, **options))
    assert gc.isenabled()
    assert render_pdf(french_invoice).startswith(b"%PDF")
    assert seen == [False] and gc.isenabled()

    monkeypatch.setattr(documents.HTML, "write_pdf", lambda self, **options: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        render_pdf(french_invoice)
    assert gc.isenabled()


def test_nested_and_concurrent_pauses_start_the_collector_once_the_last_ends():
    import gc
    import threading

    from ashopy.sales.documents import collector_paused

    inner_started, outer_may_end = threading.Event(), threading.Event()

    def other_render():
        with collector_paused():
            inner_started.set()
            outer_may_end.wait(5)

    with collector_paused():
        thread = threading.Thread(target=other_render)
        thread.start()
        assert inner_started.wait(5)
    assert not gc.isenabled()  # the other thread's render still runs
    outer_may_end.set()
    thread.join(5)
    assert gc.isenabled()

    gc.disable()  # a process that runs without the collector keeps it stopped
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
