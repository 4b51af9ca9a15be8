"""An X12 005010X279A1 eligibility response (271), written from scratch for the simulated payer.

One interchange (ISA/IEA) holding one functional group (GS/GE, HB) holding one transaction set (ST/SE).
SE01 counts the segments from ST to SE inclusive; GE01 the transaction sets; IEA01 the groups.
"""

from decimal import Decimal

from pathways.practice.cases.payer import FOLLOW_UP, Benefits, Inquiry

VERSION = "005010X279A1"
SENDER = "TESTPAYER01"
RECEIVER = "PATHWAYSDESK"
ELEMENT, SEGMENT, COMPONENT, REPETITION = "*", "~", ":", "^"
SERVICE_OFFICE_VISIT = "98"  # professional (physician) visit - office
SERVICE_PLAN = "30"  # health benefit plan coverage


def segment(*elements: str) -> str:
    values = list(elements)
    while values and values[-1] == "":
        values.pop()  # trailing empty elements are not sent
    return ELEMENT.join(values)


def amount(cents: int) -> str:
    return f"{(Decimal(cents) / 100).normalize():f}"


def benefit_segments(benefits: Benefits) -> list[str]:
    if benefits.status == "inactive":
        return [segment("EB", "6", "IND", SERVICE_PLAN)]
    network = "Y" if benefits.network == "in" else "N"
    lines = [segment("EB", "1", "IND", SERVICE_PLAN, "C1")]
    if benefits.network == "out":
        lines.append(segment("MSG", "PROVIDER IS OUT OF NETWORK FOR THIS PLAN"))
        if not benefits.out_of_network_benefits:
            # EB01 I, non-covered, for out-of-network care: the plan pays nothing there.
            lines.append(segment("EB", "I", "IND", SERVICE_PLAN, "C1", "", "", "", "", "", "", "", "N"))
            return lines
    if benefits.copay_cents is not None:
        lines.append(
            segment(
                "EB",
                "B",
                "IND",
                SERVICE_OFFICE_VISIT,
                "C1",
                "",
                "27",
                amount(benefits.copay_cents),
                "",
                "",
                "",
                "",
                network,
            )
        )
    if benefits.deductible_remaining_cents is not None:
        lines.append(
            segment(
                "EB",
                "C",
                "IND",
                SERVICE_PLAN,
                "C1",
                "",
                "29",
                amount(benefits.deductible_remaining_cents),
                "",
                "",
                "",
                "",
                network,
            )
        )
    if benefits.coinsurance_percent is not None:
        rate = f"{(Decimal(benefits.coinsurance_percent) / 100).normalize():f}"
        lines.append(segment("EB", "A", "IND", SERVICE_PLAN, "C1", "", "", "", rate, "", "", "", network))
    if benefits.oop_remaining_cents is not None:
        lines.append(
            segment(
                "EB",
                "G",
                "IND",
                SERVICE_PLAN,
                "C1",
                "",
                "29",
                amount(benefits.oop_remaining_cents),
                "",
                "",
                "",
                "",
                network,
            )
        )
    return lines


def transaction(inquiry: Inquiry, benefits: Benefits) -> list[str]:
    day, time = inquiry.created.strftime("%Y%m%d"), inquiry.created.strftime("%H%M")
    body = [
        segment("ST", "271", "0001", VERSION),
        segment("BHT", "0022", "11", inquiry.trace, day, time),
        segment("HL", "1", "", "20", "1"),
        segment("NM1", "PR", "2", inquiry.payer_name.upper(), "", "", "", "", "PI", inquiry.payer_id),
        segment("HL", "2", "1", "21", "1"),
        segment("NM1", "1P", "2", inquiry.provider_name.upper(), "", "", "", "", "XX", inquiry.provider_npi),
        segment("HL", "3", "2", "22", "0"),
        segment("TRN", "2", inquiry.trace, "9000000001"),
        segment(
            "NM1", "IL", "1", inquiry.last.upper(), inquiry.first.upper(), "", "", "", "MI", inquiry.member_id
        ),
    ]
    if benefits.status == "rejected":
        code = benefits.reject_code or "75"
        body.append(segment("AAA", "N", "", code, FOLLOW_UP.get(code, "C")))
    else:
        body.append(segment("DMG", "D8", inquiry.dob.strftime("%Y%m%d"), inquiry.sex))
        body.append(segment("DTP", "346", "D8", inquiry.plan_begin.strftime("%Y%m%d")))
        if inquiry.plan_end is not None:
            body.append(segment("DTP", "347", "D8", inquiry.plan_end.strftime("%Y%m%d")))
        body.extend(benefit_segments(benefits))
    body.append(segment("SE", str(len(body) + 1), "0001"))
    return body


def build_271(inquiry: Inquiry, benefits: Benefits) -> str:
    control = f"{inquiry.control_number:09d}"
    when = inquiry.created
    isa = ELEMENT.join(
        [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            "ZZ",
            SENDER.ljust(15),
            "ZZ",
            RECEIVER.ljust(15),
            when.strftime("%y%m%d"),
            when.strftime("%H%M"),
            REPETITION,
            "00501",
            control,
            "0",
            "T",
            COMPONENT,
        ]
    )
    group = str(inquiry.control_number)
    segments = [
        isa,
        segment(
            "GS", "HB", SENDER, RECEIVER, when.strftime("%Y%m%d"), when.strftime("%H%M"), group, "X", VERSION
        ),
        *transaction(inquiry, benefits),
        segment("GE", "1", group),
        segment("IEA", "1", control),
    ]
    return "".join(f"{s}{SEGMENT}\n" for s in segments)


LEGEND = {
    "EB*1": "Active coverage",
    "EB*6": "Inactive coverage",
    "EB*I": "Non-covered (with EB12 = N: the plan pays nothing out of network)",
    "EB*B": "Copay (EB07 amount per visit, time period 27)",
    "EB*C": "Deductible (time period 29 = remaining)",
    "EB*A": "Coinsurance (EB08 = the patient's share, .2 = 20%)",
    "EB*G": "Out-of-pocket (stop loss) (time period 29 = remaining)",
    "EB12": "Last element of an EB: Y = in-network benefit, N = out-of-network",
    "AAA": "Request rejected: AAA03 is the reason code, AAA04 the follow-up action",
    "DTP*346 / DTP*347": "Plan begin / plan end date",
}
