"""Airlines that issue air waybills: the 3-digit AWB prefix (IATA accounting code) each owns.

Seeds the `Airline` table (data migration, demo, `airlines_load`). Only prefixes checked against
the airlines' own published waybill stock are listed; staff add others in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AirlineSpec:
    awb_prefix: str
    iata_code: str
    name: str


AIRLINES: tuple[AirlineSpec, ...] = (
    AirlineSpec("001", "AA", "American Airlines Cargo"),
    AirlineSpec("006", "DL", "Delta Cargo"),
    AirlineSpec("014", "AC", "Air Canada Cargo"),
    AirlineSpec("016", "UA", "United Cargo"),
    AirlineSpec("020", "LH", "Lufthansa Cargo"),
    AirlineSpec("057", "AF", "Air France Cargo"),
    AirlineSpec("074", "KL", "KLM Cargo"),
    AirlineSpec("081", "QF", "Qantas Freight"),
    AirlineSpec("082", "SN", "Brussels Airlines Cargo"),
    AirlineSpec("105", "AY", "Finnair Cargo"),
    AirlineSpec("112", "CK", "China Cargo Airlines"),
    AirlineSpec("125", "BA", "IAG Cargo (British Airways)"),
    AirlineSpec("131", "JL", "Japan Airlines Cargo"),
    AirlineSpec("157", "QR", "Qatar Airways Cargo"),
    AirlineSpec("160", "CX", "Cathay Cargo"),
    AirlineSpec("172", "CV", "Cargolux"),
    AirlineSpec("176", "EK", "Emirates SkyCargo"),
    AirlineSpec("180", "KE", "Korean Air Cargo"),
    AirlineSpec("205", "NH", "ANA Cargo"),
    AirlineSpec("235", "TK", "Turkish Cargo"),
    AirlineSpec("297", "CI", "China Airlines Cargo"),
    AirlineSpec("369", "5Y", "Atlas Air"),
    AirlineSpec("406", "5X", "UPS Airlines"),
    AirlineSpec("607", "EY", "Etihad Cargo"),
    AirlineSpec("618", "SQ", "Singapore Airlines Cargo"),
    AirlineSpec("695", "BR", "EVA Air Cargo"),
    AirlineSpec("724", "LX", "Swiss WorldCargo"),
    AirlineSpec("781", "MU", "China Eastern Airlines"),
    AirlineSpec("784", "CZ", "China Southern Airlines Cargo"),
    AirlineSpec("880", "HU", "Hainan Airlines"),
    AirlineSpec("933", "KZ", "Nippon Cargo Airlines"),
    AirlineSpec("988", "OZ", "Asiana Cargo"),
    AirlineSpec("999", "CA", "Air China Cargo"),
)
