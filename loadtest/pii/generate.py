"""Seeded generator of labeled PII sentences, and the frozen dev and held-out splits.

Each sentence comes from a template whose slots are filled with generated values; the
record keeps the character span and entity label of every filled value:

    {"id": "dev-00042", "family": "support", "template": "support/3", "noise": ["case"],
     "text": "...", "spans": [[start, end, "EMAIL_ADDRESS"], ...]}

Labels: PERSON, LOCATION (cities and street addresses), EMAIL_ADDRESS, PHONE_NUMBER,
CREDIT_CARD, IBAN_CODE, IP_ADDRESS, US_SSN, DATE_TIME (dates of birth) and URL. Text
outside the spans is not personal data (order numbers, amounts and versions appear on
purpose, as distractors).

The held-out split uses one template family (`reply`) and pools of first names, last
names, cities and street names that the dev split never uses. These word lists live only
in this module; nothing in guardproxy reads them.

Regenerate the frozen files (deterministic for a given seed):

    .venv/bin/python -m loadtest.pii.generate            # writes loadtest/pii/data/
    .venv/bin/python -m loadtest.pii.generate --check    # fails if they differ
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SEED = 20261125
DEV_SIZE = 3000
HELDOUT_SIZE = 1500
HELDOUT_FAMILY = "reply"

LABELS: tuple[str, ...] = (
    "PERSON",
    "LOCATION",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_SSN",
    "DATE_TIME",
    "URL",
)

Span = tuple[int, int, str]

# --- word pools ----------------------------------------------------------------------
# Two disjoint pools each: "dev" fills the dev split, "heldout" the held-out split.
# fmt: off

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "dev": (
        "James", "Maria", "Robert", "Linda", "Michael", "Sarah", "David", "Emily",
        "Daniel", "Laura", "Thomas", "Anna", "Carlos", "Sofia", "Rahul", "Priya",
        "Wei", "Mei", "Hiroshi", "Yuki", "Ahmed", "Fatima", "Olusegun", "Amara",
        "Lukas", "Greta", "Pierre", "Camille", "Giovanni", "Chiara", "Ivan", "Olga",
        "Kwame", "Zanele", "Diego", "Lucía", "Sean", "Siobhan", "Mateus", "Beatriz",
        "Omar", "Leila", "Jonas", "Ingrid", "Tomasz", "Agnieszka", "Nikos", "Eleni",
    ),
    "heldout": (
        "Harold", "Beverly", "Dmitri", "Svetlana", "Arjun", "Kavya", "Jun", "Haruka",
        "Chinedu", "Ngozi", "Matteo", "Francesca", "Björn", "Astrid", "Rafael", "Inés",
        "Tariq", "Yasmin", "Declan", "Niamh", "Kofi", "Abena", "Jakub", "Zofia",
        "Bao", "Linh", "Stefan", "Elif", "Marcus", "Rosalind",
    ),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "dev": (
        "Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Lopez",
        "Wilson", "Anderson", "Taylor", "Moore", "Martin", "Thompson", "White", "Harris",
        "Sharma", "Patel", "Wang", "Li", "Tanaka", "Suzuki", "Hassan", "Khan",
        "Okafor", "Adeyemi", "Müller", "Schmidt", "Dubois", "Moreau", "Rossi", "Ricci",
        "Ivanov", "Petrova", "Mensah", "Dlamini", "Fernández", "O'Brien", "Silva",
        "Costa", "Haddad", "Nielsen", "Kowalski", "Papadopoulos",
    ),
    "heldout": (
        "Whitaker", "Pemberton", "Volkov", "Sokolova", "Iyer", "Reddy", "Nakamura",
        "Takahashi", "Eze", "Nwosu", "Bianchi", "Esposito", "Lindqvist", "Berg",
        "Navarro", "Domínguez", "Rahman", "Aziz", "Gallagher", "Byrne", "Asante",
        "Boateng", "Nowak", "Wiśniewska", "Nguyen", "Tran", "Hoffmann", "Yilmaz",
        "Castellanos", "McAllister",
    ),
}
CITIES: dict[str, tuple[str, ...]] = {
    "dev": (
        "Chicago", "Boston", "Seattle", "Denver", "Austin", "Atlanta", "Miami",
        "Phoenix", "Portland", "Dallas", "London", "Manchester", "Berlin", "Munich",
        "Paris", "Lyon", "Madrid", "Barcelona", "Rome", "Milan", "Toronto", "Vancouver",
        "Sydney", "Melbourne", "Mumbai", "Bangalore", "Tokyo", "Osaka", "Lagos",
        "Nairobi", "São Paulo", "Mexico City", "Dublin", "Amsterdam", "Warsaw",
        "Athens", "Cairo", "Seoul",
    ),
    "heldout": (
        "Minneapolis", "Pittsburgh", "Sacramento", "Baltimore", "Leeds", "Glasgow",
        "Hamburg", "Cologne", "Marseille", "Toulouse", "Valencia", "Seville", "Naples",
        "Turin", "Montreal", "Calgary", "Brisbane", "Perth", "Chennai", "Hyderabad",
        "Kyoto", "Accra", "Kraków", "Rotterdam", "Lisbon", "Porto",
    ),
}
STREET_NAMES: dict[str, tuple[str, ...]] = {
    "dev": (
        "Maple", "Oak", "Pine", "Cedar", "Elm", "Washington", "Lincoln", "Park",
        "Lake", "Hill", "Sunset", "River", "Highland", "Church", "Mill", "Spring",
    ),
    "heldout": (
        "Willow", "Chestnut", "Magnolia", "Hawthorne", "Jefferson", "Madison",
        "Orchard", "Meadow", "Ridgeview", "Bayshore", "Foxglove", "Quarry",
    ),
}
STREET_SUFFIXES = (
    "Street", "St.", "Avenue", "Ave", "Road", "Rd.", "Lane", "Boulevard", "Drive", "Way",
    "Court", "Place",
)
MAIL_DOMAINS = (
    "gmail.com", "outlook.com", "yahoo.co.uk", "proton.me", "icloud.com", "web.de",
    "example.com", "mail.example.org",
)
TLDS = ("com", "org", "net", "io", "de", "co.uk", "fr", "dev")
SYLLABLES = (
    "ka", "lo", "mi", "ra", "to", "ne", "su", "vi", "den", "mar", "tel", "zon", "quin",
    "bra", "cor", "fin", "lux", "pal", "ser", "tor",
)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)
PRODUCTS = (
    "the router", "the annual plan", "the blue kettle", "the premium seat", "the laptop",
    "the subscription", "the headphones", "the storage upgrade",
)
# fmt: on


# --- value generators ----------------------------------------------------------------


def luhn_check_digit(payload: str) -> str:
    """The digit that makes payload + digit pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    """True if the digits of number pass the Luhn check."""
    digits = [c for c in number if c.isdigit()]
    if len(digits) < 2:
        return False
    return luhn_check_digit("".join(digits[:-1])) == digits[-1]


def _iban_numeric(text: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in text))


def iban_check_digits(country: str, bban: str) -> str:
    """The two ISO 13616 check digits for a country code and BBAN."""
    return f"{98 - _iban_numeric(bban + country + '00') % 97:02d}"


def iban_valid(iban: str) -> bool:
    """True if the IBAN (spaces allowed) passes the mod-97 check."""
    compact = iban.replace(" ", "").upper()
    if len(compact) < 5 or not compact.isalnum():
        return False
    return _iban_numeric(compact[4:] + compact[:4]) % 97 == 1


def ssn_valid(ssn: str) -> bool:
    """True if a US SSN is in the issued ranges (area, group and serial)."""
    digits = "".join(c for c in ssn if c.isdigit())
    if len(digits) != 9:
        return False
    area, group, serial = int(digits[:3]), int(digits[3:5]), int(digits[5:])
    return 0 < area < 900 and area != 666 and group > 0 and serial > 0


@dataclass
class Values:
    """Generators of labeled values, drawing names and places from one pool."""

    rng: random.Random
    pool: str
    last_person: tuple[str, str] = ("", "")

    def _digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def first_name(self) -> str:
        return self.rng.choice(FIRST_NAMES[self.pool])

    def person(self) -> str:
        first, last = self.first_name(), self.rng.choice(LAST_NAMES[self.pool])
        self.last_person = (first, last)
        form = self.rng.random()
        if form < 0.12:
            return f"{self.rng.choice(('Mr.', 'Ms.', 'Dr.', 'Mrs.'))} {last}"
        if form < 0.2:
            return f"{first} {self.rng.choice(string.ascii_uppercase)}. {last}"
        return f"{first} {last}"

    def city(self) -> str:
        return self.rng.choice(CITIES[self.pool])

    def street_address(self) -> str:
        rng = self.rng
        street = f"{rng.randint(1, 9999)} {rng.choice(STREET_NAMES[self.pool])} "
        street += rng.choice(STREET_SUFFIXES)
        if rng.random() < 0.2:
            street += f", Apt {rng.randint(1, 40)}{rng.choice('ABCD')}"
        return street

    def email(self) -> str:
        rng = self.rng
        first, last = self.last_person if self.last_person[0] else (self.first_name(), "x")
        first = _ascii_fold(first).lower()
        last = _ascii_fold(last).lower().replace("'", "")
        local = rng.choice(
            (
                f"{first}.{last}",
                f"{first[0]}{last}",
                f"{first}_{last}{rng.randint(1, 99)}",
                f"{first}{rng.randint(1970, 2005)}",
                f"{last}.{first[0]}",
            )
        )
        domain = rng.choice(MAIL_DOMAINS) if rng.random() < 0.6 else self._domain()
        return f"{local}@{domain}"

    def _domain(self) -> str:
        rng = self.rng
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        return f"{name}.{rng.choice(TLDS)}"

    def phone(self) -> str:
        rng = self.rng
        d = self._digits
        kind = rng.choice(("us", "us", "us", "uk", "de", "fr", "in", "au", "br"))
        if kind == "us":
            area = rng.choice(("212", "415", "312", "617", "206", "303", "512", "404"))
            exchange = f"{rng.randint(2, 9)}{d(2)}"
            if exchange[1:] == "11":
                exchange = exchange[0] + "23"
            line = d(4)
            return rng.choice(
                (
                    f"({area}) {exchange}-{line}",
                    f"{area}-{exchange}-{line}",
                    f"{area}.{exchange}.{line}",
                    f"+1 {area} {exchange} {line}",
                    f"+1-{area}-{exchange}-{line}",
                )
            )
        if kind == "uk":
            return rng.choice(
                (
                    f"+44 20 7{d(3)} {d(4)}",
                    f"020 7{d(3)} {d(4)}",
                    f"+44 7{rng.choice('4579')}{d(2)} {d(6)}",
                    f"07{rng.choice('4579')}{d(2)} {d(6)}",
                )
            )
        if kind == "de":
            return rng.choice(
                (
                    f"+49 30 {d(8)}",
                    f"+49 (0)89 {d(7)}",
                    f"030 {d(8)}",
                    f"+49 15{rng.choice('1279')} {d(8)}",
                )
            )
        if kind == "fr":
            first = rng.choice("1234567")
            pairs = " ".join(d(2) for _ in range(4))
            return rng.choice((f"+33 {first} {pairs}", f"0{first} {pairs}"))
        if kind == "in":
            head = f"{rng.choice('6789')}{d(4)}"
            return rng.choice((f"+91 {head} {d(5)}", f"+91-{head}-{d(5)}"))
        if kind == "au":
            return rng.choice((f"+61 2 {d(4)} {d(4)}", f"04{d(2)} {d(3)} {d(3)}"))
        return f"+55 11 9{d(4)}-{d(4)}"

    def credit_card(self) -> str:
        rng = self.rng
        brand = rng.choice(("visa", "visa", "mastercard", "amex", "discover"))
        if brand == "amex":
            payload = rng.choice(("34", "37")) + self._digits(12)
            number = payload + luhn_check_digit(payload)
            groups = (number[:4], number[4:10], number[10:])
        else:
            prefix = {
                "visa": "4",
                "mastercard": str(rng.randint(51, 55)),
                "discover": "6011",
            }[brand]
            payload = prefix + self._digits(15 - len(prefix))
            number = payload + luhn_check_digit(payload)
            groups = tuple(number[i : i + 4] for i in range(0, 16, 4))
        sep = rng.choice((" ", " ", "-", ""))
        return sep.join(groups)

    def iban(self) -> str:
        rng = self.rng
        d = self._digits
        upper = string.ascii_uppercase
        country = rng.choice(("DE", "GB", "FR", "NL", "ES", "IT", "CH", "BE"))
        bban = {
            "DE": lambda: d(18),
            "GB": lambda: "".join(rng.choice(upper) for _ in range(4)) + d(14),
            "FR": lambda: d(23),
            "NL": lambda: "".join(rng.choice(upper) for _ in range(4)) + d(10),
            "ES": lambda: d(20),
            "IT": lambda: rng.choice(upper) + d(22),
            "CH": lambda: d(17),
            "BE": lambda: d(12),
        }[country]()
        compact = country + iban_check_digits(country, bban) + bban
        if rng.random() < 0.6:
            return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
        return compact

    def ip_address(self) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(8)]
            groups[0] = rng.choice(("2001", "2a02", "2607", "fe80"))
            if rng.random() < 0.5:
                return f"{groups[0]}:{groups[1]}::{groups[6]}:{groups[7]}"
            return ":".join(groups)
        first = rng.choice((rng.randint(1, 223), 10, 172, 192))
        if first in (127, 0):
            first = 81
        if first == 192:
            return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"

    def us_ssn(self) -> str:
        rng = self.rng
        area = rng.randint(1, 899)
        if area == 666:
            area = 665
        number = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        sep = rng.choice(("-", "-", "-", "-", " ", ""))
        return f"{number[:3]}{sep}{number[3:5]}{sep}{number[5:]}"

    def date_of_birth(self) -> str:
        rng = self.rng
        year, month, day = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
        return rng.choice(
            (
                f"{MONTHS[month - 1]} {day}, {year}",
                f"{day} {MONTHS[month - 1]} {year}",
                f"{month:02d}/{day:02d}/{year}",
                f"{day:02d}.{month:02d}.{year}",
                f"{year}-{month:02d}-{day:02d}",
            )
        )

    def url(self) -> str:
        rng = self.rng
        first = _ascii_fold(self.last_person[0] or self.first_name()).lower()
        host = self._domain()
        if rng.random() < 0.5:
            host = "www." + host
        path = rng.choice(
            (
                f"/u/{first}{rng.randint(1, 999)}",
                f"/profile?id={self._digits(6)}",
                f"/{first}",
                f"/account/{self._digits(5)}/settings",
                "",
            )
        )
        scheme = rng.choice(("https://", "https://", "http://", ""))
        return f"{scheme}{host}{path}"

    # distractors: not personal data, but numbers and words that look a bit like it
    def order_number(self) -> str:
        return self.rng.choice(
            (f"#{self._digits(6)}", f"A-{self._digits(5)}", f"ORD-{self._digits(8)}")
        )

    def amount(self) -> str:
        return self.rng.choice(
            (
                f"${self.rng.randint(5, 2999)}.{self._digits(2)}",
                f"€{self.rng.randint(5, 999)}",
                f"{self.rng.randint(2, 80)} EUR",
            )
        )

    def version(self) -> str:
        rng = self.rng
        return f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"

    def product(self) -> str:
        return self.rng.choice(PRODUCTS)


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# slot name -> (label or None for distractors, generator)
SLOTS: dict[str, tuple[str | None, Callable[[Values], str]]] = {
    "PERSON": ("PERSON", Values.person),
    "FIRST": ("PERSON", Values.first_name),
    "CITY": ("LOCATION", Values.city),
    "ADDRESS": ("LOCATION", Values.street_address),
    "EMAIL": ("EMAIL_ADDRESS", Values.email),
    "PHONE": ("PHONE_NUMBER", Values.phone),
    "CARD": ("CREDIT_CARD", Values.credit_card),
    "IBAN": ("IBAN_CODE", Values.iban),
    "IP": ("IP_ADDRESS", Values.ip_address),
    "SSN": ("US_SSN", Values.us_ssn),
    "DOB": ("DATE_TIME", Values.date_of_birth),
    "URL": ("URL", Values.url),
    "ORDER": (None, Values.order_number),
    "AMOUNT": (None, Values.amount),
    "VERSION": (None, Values.version),
    "PRODUCT": (None, Values.product),
}

# --- templates -----------------------------------------------------------------------

TEMPLATES: dict[str, tuple[str, ...]] = {
    "support": (
        "Hi, this is {PERSON}. My order {ORDER} never arrived at {ADDRESS}, {CITY}.",
        "Customer {PERSON} called from {PHONE} about a refund of {AMOUNT}.",
        "Please update the contact email for {PERSON} to {EMAIL}.",
        "The caller gave {PHONE} as a callback number and {EMAIL} for the receipt.",
        "Ticket {ORDER}: {FIRST} says {PRODUCT} stopped working after the update to {VERSION}.",
        "{PERSON} moved from {CITY} to {CITY}; the new address is {ADDRESS}.",
        "We refunded {AMOUNT} for order {ORDER}; no further action is needed.",
        "Escalated by {FIRST}: the customer at {EMAIL} was charged twice on card {CARD}.",
    ),
    "crm": (
        "Contact: {PERSON}, born {DOB}, lives in {CITY}.",
        "Lead {PERSON} ({EMAIL}) asked for a demo; phone {PHONE}.",
        "Met {PERSON} at the {CITY} conference, profile at {URL}.",
        "Account owner {PERSON}, mailing address {ADDRESS}, {CITY}.",
        "Follow up with {FIRST} next week about {PRODUCT}; budget is {AMOUNT}.",
        "Duplicate record merged: {PERSON} / {EMAIL} / {PHONE}.",
        "Renewal quote {ORDER} sent, version {VERSION} of the contract attached.",
    ),
    "hr": (
        "Employee {PERSON}, SSN {SSN}, date of birth {DOB}.",
        "New hire {PERSON} starts Monday in the {CITY} office; home address {ADDRESS}.",
        "Payroll: salary for {PERSON} goes to IBAN {IBAN}.",
        "Emergency contact for {FIRST}: {PERSON}, mobile {PHONE}.",
        "{PERSON} (DOB {DOB}, SSN {SSN}) has completed onboarding.",
        "Please send the signed contract to {EMAIL} before Friday.",
        "The handbook was updated to version {VERSION}; all staff should read it.",
    ),
    "payments": (
        "Charge {AMOUNT} to card {CARD}, cardholder {PERSON}.",
        "Wire transfer to {IBAN} for invoice {ORDER} ({AMOUNT}).",
        "The card {CARD} was declined for {PERSON} in {CITY}.",
        "Beneficiary: {PERSON}, IBAN {IBAN}, {ADDRESS}, {CITY}.",
        "Refund of {AMOUNT} issued to the card on file: {CARD}.",
        "Payment {ORDER} settled, {AMOUNT} received.",
        "Billing address for {PERSON}: {ADDRESS}, {CITY}. Card: {CARD}.",
    ),
    "ops": (
        "Failed login for {EMAIL} from {IP} at the {CITY} gateway.",
        "Blocked {IP} after 40 requests to {URL}.",
        "User {PERSON} reported that {URL} is down; their IP is {IP}.",
        "Deploy {VERSION} finished; health check on {IP} passed.",
        "Session for {EMAIL} moved from {IP} to {IP}.",
        "Webhook to {URL} returned 500 for order {ORDER}.",
        "Admin {PERSON} reset the password of {EMAIL}.",
    ),
    "travel": (
        "Booking for {PERSON}, passport holder born {DOB}, flying from {CITY} to {CITY}.",
        "Hotel guest {PERSON}, phone {PHONE}, staying at {ADDRESS}.",
        "The taxi will pick up {FIRST} at {ADDRESS}, {CITY} at 7 am.",
        "Send the itinerary to {EMAIL} and a text to {PHONE}.",
        "Seat upgrade for booking {ORDER} costs {AMOUNT}.",
        "Traveller {PERSON} paid with {CARD}; receipt sent to {EMAIL}.",
    ),
    # held-out family: answers a model might give that repeat the user's data
    "reply": (
        "Sure! Here is a summary of the record for {PERSON}: email {EMAIL}, phone {PHONE}.",
        "I have drafted the letter to {PERSON} at {ADDRESS}, {CITY}. "
        "Let me know if the tone works.",
        "Based on what you shared, {FIRST} was born on {DOB} and now lives in {CITY}.",
        "To pay the invoice, transfer the amount to IBAN {IBAN} (account holder: {PERSON}).",
        "The card number you pasted, {CARD}, looks valid; I would not share it in chat.",
        "Your server at {IP} is refusing connections; check the firewall rules before retrying.",
        "Here is the corrected row: {PERSON}, {SSN}, {DOB}, {ADDRESS}.",
        "You can reach {FIRST} at {PHONE} or through the page {URL}.",
        "I found two accounts: {EMAIL} and {EMAIL}. The second was created from {IP}.",
        "Of course. The order {ORDER} for {PRODUCT} totals {AMOUNT} "
        "and ships with version {VERSION}.",
        "{PERSON} from {CITY} asked whether the SSN {SSN} was entered correctly.",
        "Here you go: the shipping label reads {PERSON}, {ADDRESS}, {CITY}.",
    ),
}

DEV_FAMILIES: tuple[str, ...] = tuple(f for f in TEMPLATES if f != HELDOUT_FAMILY)


# --- sentence assembly and noise -----------------------------------------------------

Piece = tuple[str, str | None]  # (text, label or None)


def parse_template(template: str) -> list[tuple[str, bool]]:
    """Split a template into (literal, False) and (slot name, True) parts."""
    parts: list[tuple[str, bool]] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        if name not in SLOTS:
            raise ValueError(f"unknown slot {name!r} in {template!r}")
        if before:
            parts.append((before, False))
        parts.append((name, True))
    if rest:
        parts.append((rest, False))
    return parts


def fill(template: str, values: Values) -> list[Piece]:
    """Fill a template's slots: literal pieces have label None."""
    pieces: list[Piece] = []
    for text, is_slot in parse_template(template):
        if is_slot:
            label, make = SLOTS[text]
            pieces.append((make(values), label))
        else:
            pieces.append((text, None))
    return pieces


def _noise_markdown(pieces: list[Piece], rng: random.Random) -> list[Piece]:
    out: list[Piece] = []
    prefix = rng.choice(("- ", "* ", "> ", "### ", "1. ", ""))
    if prefix:
        out.append((prefix, None))
    for text, label in pieces:
        if label is not None and rng.random() < 0.5:
            mark = rng.choice(("**", "`", "_", "*"))
            out.extend(((mark, None), (text, label), (mark, None)))
        else:
            out.append((text, label))
    return out


def _noise_punctuation(pieces: list[Piece], rng: random.Random) -> list[Piece]:
    out: list[Piece] = []
    for text, label in pieces:
        if label is not None and rng.random() < 0.4:
            left, right = rng.choice((("(", ")"), ('"', '"'), ("<", ">"), ("[", "]"), ("'", "'")))
            out.extend(((left, None), (text, label), (right, None)))
        else:
            out.append((text, label))
    if out and out[-1][1] is None:
        out[-1] = (out[-1][0].rstrip(".") + rng.choice(("!!", "...", "?!", ";", " :)")), None)
    else:
        out.append((rng.choice(("!!", "...", ".")), None))
    return out


def _noise_linebreaks(pieces: list[Piece], rng: random.Random) -> list[Piece]:
    out: list[Piece] = []
    for text, label in pieces:
        if label is None and " " in text:
            chars = list(text)
            for i, ch in enumerate(chars):
                if ch == " " and rng.random() < 0.3:
                    chars[i] = rng.choice(("\n", "\n\n", "\n  ", "\t"))
            text = "".join(chars)
        out.append((text, label))
    return out


def _noise_case(pieces: list[Piece], rng: random.Random) -> list[Piece]:
    mode = rng.choice(("upper", "lower", "names_lower", "random_words"))
    out: list[Piece] = []
    for text, label in pieces:
        if mode == "upper":
            text = text.upper()
        elif mode == "lower":
            text = text.lower()
        elif mode == "names_lower":
            if label in ("PERSON", "LOCATION"):
                text = text.lower()
        elif label is None:
            text = " ".join(w.upper() if rng.random() < 0.3 else w for w in text.split(" "))
        out.append((text, label))
    return out


NOISES: dict[str, Callable[[list[Piece], random.Random], list[Piece]]] = {
    "markdown": _noise_markdown,
    "punctuation": _noise_punctuation,
    "linebreaks": _noise_linebreaks,
    "case": _noise_case,
}


def assemble(pieces: list[Piece]) -> tuple[str, list[Span]]:
    """Join pieces into text and the (start, end, label) span of every labeled piece."""
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for text, label in pieces:
        if label is not None:
            spans.append((offset, offset + len(text), label))
        parts.append(text)
        offset += len(text)
    return "".join(parts), spans


def sentences(
    split: str, count: int, seed: int = DEFAULT_SEED, noise_share: float = 0.5
) -> Iterator[dict[str, object]]:
    """Generate count labeled sentences of a split ('dev' or 'heldout')."""
    if split not in ("dev", "heldout"):
        raise ValueError(f"unknown split {split!r}")
    rng = random.Random(f"{seed}-{split}")
    values = Values(rng, split)
    families = DEV_FAMILIES if split == "dev" else (HELDOUT_FAMILY,)
    for n in range(count):
        family = rng.choice(families)
        index = rng.randrange(len(TEMPLATES[family]))
        values.last_person = ("", "")
        pieces = fill(TEMPLATES[family][index], values)
        applied: list[str] = []
        if rng.random() < noise_share:
            for name in rng.sample(sorted(NOISES), rng.randint(1, 3)):
                pieces = NOISES[name](pieces, rng)
                applied.append(name)
        text, spans = assemble(pieces)
        yield {
            "id": f"{split}-{n:05d}",
            "family": family,
            "template": f"{family}/{index}",
            "noise": sorted(applied),
            "text": text,
            "spans": [list(span) for span in spans],
        }


def split_path(split: str) -> Path:
    return DATA_DIR / f"{split}.jsonl"


def render(split: str, seed: int = DEFAULT_SEED) -> str:
    count = DEV_SIZE if split == "dev" else HELDOUT_SIZE
    return "".join(
        json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        for record in sentences(split, count, seed)
    )


def load_split(split_or_path: str) -> list[dict[str, object]]:
    """Read a frozen split by name ('dev', 'heldout') or by path."""
    path = split_path(split_or_path) if split_or_path in ("dev", "heldout") else Path(split_or_path)
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--check", action="store_true", help="only compare with the frozen files")
    args = parser.parse_args(argv)
    status = 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for split in ("dev", "heldout"):
        content = render(split, args.seed)
        path = split_path(split)
        if args.check:
            same = path.exists() and path.read_text(encoding="utf-8") == content
            print(f"{path.name}: {'matches' if same else 'DIFFERS'}")
            status |= 0 if same else 1
        else:
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path} ({content.count(chr(10))} sentences, {len(content)} chars)")
    return status


if __name__ == "__main__":
    sys.exit(main())
