"""Statistical exchange: KPI observations as SDMX-CSV, and the data structure that describes them.

Rules, in words:
- The dataflow is ASEAN:SAPSMED_KPI(1.0). Its dimensions are REF_AREA (ISO3 code of the member
  state), INDICATOR (the KPI code) and TIME_PERIOD (the year); the measure is OBS_VALUE.
- Attributes: UNIT_MEASURE (the KPI's unit), OBS_STATUS (A normal = validated, P provisional,
  E estimated = a value carrying a survey standard error), STD_ERROR, CI_LOWER and CI_UPPER for
  estimates, and SOURCE (the value's stated source).
- The file follows SDMX-CSV 1.0 (first column DATAFLOW, then dimensions, measure, attributes), and
  the structure is an SDMX-ML 2.1 Structure message with the code lists, concepts and the DSD, so a
  statistical partner can load the data without asking what a column means.
"""

import io
from xml.sax.saxutils import escape

from sapsmed.core.tables import CsvWriter
from sapsmed.kpis.models import Kpi, Observation
from sapsmed.plan.models import MemberState

AGENCY, DATAFLOW_ID, VERSION = "ASEAN", "SAPSMED_KPI", "1.0"
DATAFLOW = f"{AGENCY}:{DATAFLOW_ID}({VERSION})"
COLUMNS = ["DATAFLOW", "REF_AREA", "INDICATOR", "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS",
           "STD_ERROR", "CI_LOWER", "CI_UPPER", "SOURCE"]


def obs_status(o: Observation) -> str:
    if o.se is not None:
        return "E"
    return "A" if o.status == "validated" else "P"


def _num(value) -> str:
    return "" if value is None else format(value.normalize() if hasattr(value, "normalize") else value, "f")


def sdmx_csv() -> str:
    rows = Observation.objects.select_related("kpi", "state").order_by("kpi__order", "state__iso3", "year")
    buf = io.StringIO()
    writer = CsvWriter(buf, lineterminator="\n")  # a source such as "=1+2" stays text in a spreadsheet
    writer.writerow(COLUMNS)
    for o in rows.iterator(chunk_size=2000):
        writer.writerow([DATAFLOW, o.state.iso3, o.kpi.code, o.year, _num(o.value), o.kpi.unit, obs_status(o),
                         _num(o.se), _num(o.ci_low), _num(o.ci_high), o.source])
    return buf.getvalue()


def _codes(items) -> str:
    return "".join(f'<str:Code id="{escape(code)}"><com:Name xml:lang="en">{escape(name)}</com:Name></str:Code>'
                   for code, name in items)


def structure_xml() -> str:
    areas = _codes((s.iso3, s.name) for s in MemberState.objects.order_by("iso3"))
    indicators = _codes((k.code, f"{k.name} ({k.unit})") for k in Kpi.objects.order_by("order"))
    statuses = _codes([("A", "Normal value (validated)"), ("P", "Provisional value"),
                       ("E", "Estimated value (survey estimate with standard error)")])
    concepts = "".join(
        f'<str:Concept id="{c}"><com:Name xml:lang="en">{escape(n)}</com:Name></str:Concept>'
        for c, n in [("REF_AREA", "Member state"), ("INDICATOR", "SAP SMED KPI"), ("TIME_PERIOD", "Year"),
                     ("OBS_VALUE", "Value"), ("UNIT_MEASURE", "Unit"), ("OBS_STATUS", "Observation status"),
                     ("STD_ERROR", "Standard error"), ("CI_LOWER", "95% confidence interval, lower bound"),
                     ("CI_UPPER", "95% confidence interval, upper bound"), ("SOURCE", "Source")])

    def ref(concept: str) -> str:
        return (f'<str:ConceptIdentity><Ref agencyID="{AGENCY}" maintainableParentID="CS_SAPSMED" '
                f'maintainableParentVersion="{VERSION}" id="{concept}"/></str:ConceptIdentity>')

    def dim(concept: str, pos: int, codelist: str) -> str:
        return (f'<str:Dimension id="{concept}" position="{pos}">{ref(concept)}<str:LocalRepresentation>'
                f'<str:Enumeration><Ref agencyID="{AGENCY}" id="{codelist}" version="{VERSION}"/></str:Enumeration>'
                f"</str:LocalRepresentation></str:Dimension>")

    def attr(concept: str) -> str:
        return (f'<str:Attribute id="{concept}" assignmentStatus="Conditional">{ref(concept)}'
                f"<str:AttributeRelationship><str:PrimaryMeasure>OBS_VALUE</str:PrimaryMeasure>"
                f"</str:AttributeRelationship></str:Attribute>")

    return f"""<?xml version="1.0" encoding="UTF-8"?>
<mes:Structure xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
  xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
  xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
<mes:Header><mes:ID>SAPSMED_KPI_DSD</mes:ID><mes:Test>false</mes:Test><mes:Prepared>2025-01-01T00:00:00</mes:Prepared>
<mes:Sender id="{AGENCY}"/></mes:Header>
<mes:Structures>
<str:Codelists>
<str:Codelist id="CL_REF_AREA" agencyID="{AGENCY}" version="{VERSION}"><com:Name xml:lang="en">ASEAN Member States</com:Name>{areas}</str:Codelist>
<str:Codelist id="CL_INDICATOR" agencyID="{AGENCY}" version="{VERSION}"><com:Name xml:lang="en">SAP SMED 2016-2025 KPIs</com:Name>{indicators}</str:Codelist>
<str:Codelist id="CL_OBS_STATUS" agencyID="{AGENCY}" version="{VERSION}"><com:Name xml:lang="en">Observation status</com:Name>{statuses}</str:Codelist>
</str:Codelists>
<str:Concepts><str:ConceptScheme id="CS_SAPSMED" agencyID="{AGENCY}" version="{VERSION}"><com:Name xml:lang="en">SAP SMED concepts</com:Name>{concepts}</str:ConceptScheme></str:Concepts>
<str:DataStructures><str:DataStructure id="DSD_{DATAFLOW_ID}" agencyID="{AGENCY}" version="{VERSION}">
<com:Name xml:lang="en">SAP SMED 2016-2025 KPI observations</com:Name><str:DataStructureComponents>
<str:DimensionList id="DimensionDescriptor">{dim("REF_AREA", 1, "CL_REF_AREA")}{dim("INDICATOR", 2, "CL_INDICATOR")}
<str:TimeDimension id="TIME_PERIOD" position="3">{ref("TIME_PERIOD")}</str:TimeDimension></str:DimensionList>
<str:AttributeList id="AttributeDescriptor">{"".join(attr(a) for a in COLUMNS[5:])}</str:AttributeList>
<str:MeasureList id="MeasureDescriptor"><str:PrimaryMeasure id="OBS_VALUE">{ref("OBS_VALUE")}</str:PrimaryMeasure></str:MeasureList>
</str:DataStructureComponents></str:DataStructure></str:DataStructures>
<str:Dataflows><str:Dataflow id="{DATAFLOW_ID}" agencyID="{AGENCY}" version="{VERSION}"><com:Name xml:lang="en">SAP SMED KPI observations</com:Name>
<str:Structure><Ref agencyID="{AGENCY}" id="DSD_{DATAFLOW_ID}" version="{VERSION}" package="datastructure" class="DataStructure"/></str:Structure></str:Dataflow></str:Dataflows>
</mes:Structures>
</mes:Structure>
"""
