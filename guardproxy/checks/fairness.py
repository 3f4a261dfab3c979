"""The `fairness` check: a judgement about a person that rests on a protected attribute.

It fires only when both hold:

1. The conversation (the request's messages and the answer) is about a decision on
   people: hiring, promotion, performance evaluation, dismissal, lending, housing,
   admission and the like.
2. A sentence of the answer ties a protected attribute (gender, age, race or ethnicity,
   nationality, religion, disability, pregnancy, sexual orientation, marital or family
   status) to a judgement, in one of these shapes:
   - the attribute as the reason: "because she is a woman", "given his age", "due to her
     pregnancy", with a decision or an evaluation in the same sentence;
   - "too old to", "too young for";
   - a decision aimed at the attribute: "prefer younger applicants", "avoid hiring women";
   - the attribute with an evaluation after it: "candidates from X are less reliable",
     "older workers struggle with", "her religion is a concern".

A sentence that speaks against such judgements ("regardless of age", "it is illegal to
reject her because she is pregnant", "do not consider nationality", "don't reject him
because of his age") never fires, so a mere mention of an attribute stays silent. The
check annotates a warning that the decision needs human review; it never edits the text.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import ClassVar, Literal, NamedTuple

from pydantic import Field, field_validator

from guardproxy import claimtext
from guardproxy.checks.base import (
    Annotation,
    Check,
    CheckContext,
    CheckOptions,
    CheckResult,
    Finding,
    no_blank_items,
)
from guardproxy.lang import has_japanese, pick_language

Category = Literal[
    "gender",
    "age",
    "race_ethnicity",
    "nationality",
    "religion",
    "disability",
    "pregnancy",
    "sexual_orientation",
    "family_status",
]
CATEGORIES: tuple[Category, ...] = (
    "gender",
    "age",
    "race_ethnicity",
    "nationality",
    "religion",
    "disability",
    "pregnancy",
    "sexual_orientation",
    "family_status",
)
LABELS: dict[str, tuple[str, str]] = {
    "gender": ("gender", "性別"),
    "age": ("age", "年齢"),
    "race_ethnicity": ("race or ethnicity", "人種・民族"),
    "nationality": ("nationality", "国籍"),
    "religion": ("religion", "宗教"),
    "disability": ("disability", "障害"),
    "pregnancy": ("pregnancy", "妊娠・出産"),
    "sexual_orientation": ("sexual orientation", "性的指向"),
    "family_status": ("marital or family status", "婚姻・家族の状況"),
}

DEFAULT_EN = (
    "Fairness note: this answer appears to base a judgement about a person on "
    "{attributes}. Decisions on hiring, promotion, evaluation, lending, housing or "
    "admission need human review and must not rest on protected attributes such as "
    "gender, age, ethnicity, nationality, religion, disability or pregnancy."
)
DEFAULT_JA = (
    "公平性に関する注意: この回答は、人に関する判断を{attributes}に基づいて行っている"
    "可能性があります。採用・昇進・評価・融資・入居・入学などの判断には人による確認が"
    "必要であり、性別・年齢・人種・国籍・宗教・障害・妊娠などの属性を根拠にしてはいけません。"
)

# fmt: off
_COUNTRIES = (
    "india|china|nigeria|mexico|pakistan|bangladesh|the philippines|vietnam|poland|romania|"
    "russia|ukraine|syria|iraq|iran|afghanistan|somalia|africa|the middle east|latin america|"
    "eastern europe|korea|brazil|turkey|morocco|egypt|ghana|kenya|albania|haiti"
)
_DEMONYMS = (
    "indian|chinese|nigerian|mexican|pakistani|bangladeshi|filipinos?|vietnamese|polish|"
    "romanian|russian|ukrainian|syrian|iraqi|iranian|afghan|somali|korean|brazilian|"
    "turkish|moroccan|egyptian|ghanaian|kenyan|albanian|haitian"
)
_ATTRIBUTES_EN: dict[str, str] = {
    "gender": r"women|woman|females?|males?|men|man|girls?|boys?|ladies|lady|gender|"
              r"transgender|trans (?:woman|man|people)|non-binary|the (?:opposite )?sex",
    "age": r"too (?:old|young)|older|younger|old|young|elderly|aged? \d{2}|"
           r"\d{2}[- ]years?[- ]olds?|in (?:his|her|their) (?:twenties|thirties|forties|fifties|"
           r"sixties|[2-6]0s)|over (?:40|45|50|55|60|65)|under (?:25|30)|millennials?|"
           r"boomers?|gen z|near(?:ing)? retirement|retirement age|senior citizens|"
           r"(?:his|her|their) age|age",
    "race_ethnicity": r"race|racial|ethnicity|ethnic|black|white|asians?|hispanics?|latinos?|"
                      r"latinas?|arabs?|african[- ]americans?|caucasians?|indigenous|roma|"
                      r"people of colou?r",
    "nationality": rf"nationality|foreign(?:ers?)?|immigrants?|migrants?|citizenship|"
                   rf"non-citizens?|(?:from|born in) (?:{_COUNTRIES})|{_DEMONYMS}",
    "religion": r"religion|religious|muslims?|christians?|jews|jewish|hindus?|buddhists?|"
                r"sikhs?|atheists?|catholics?|islam(?:ic)?|hijab|headscarf|turban",
    "disability": r"disabilit(?:y|ies)|disabled|wheelchair|blind|deaf|autistic|autism|"
                  r"mental (?:illness|health (?:condition|issues?))|depression|adhd|"
                  r"dyslexi[ac]|chronic illness|handicapped",
    "pregnancy": r"pregnan(?:t|cy)|maternity|expecting a baby|having a baby|"
                 r"(?:plans?|planning|wants?) to have (?:children|kids|a baby)|"
                 r"start(?:ing)? a family|get(?:ting)? pregnant",
    "sexual_orientation": r"gay|lesbians?|bisexual|homosexual|sexual orientation|lgbtq?\+?|"
                          r"queer",
    "family_status": r"married|unmarried|divorced|single (?:mother|mom|father|dad|parent)|"
                     r"mothers?|moms?|fathers?|(?:has|have|with) (?:young |small )?"
                     r"(?:children|kids)|childcare duties|family commitments",
}
_ATTRIBUTES_JA: dict[str, str] = {
    "gender": r"女性|男性|女の子|男の子|性別|女だ|男だ",
    "age": r"年齢|高齢|若い|若手|年配|年寄り|\d{2}歳|中高年|若者|年を取って|定年間近",
    "race_ethnicity": r"人種|民族|黒人|白人|アジア系",
    "nationality": r"外国人|外国籍|国籍|中国人|韓国人|ベトナム人|フィリピン人|ブラジル人|"
                   r"インド人|ネパール人|移民",
    "religion": r"宗教|信仰|イスラム教|キリスト教|仏教徒|ムスリム|信者",
    "disability": r"障害|障がい|車いす|車椅子|精神疾患|うつ病|発達障害",
    "pregnancy": r"妊娠|妊婦|産休|出産予定|子どもを産む予定",
    "sexual_orientation": r"同性愛|ゲイ|レズビアン|性的指向|lgbt|性的少数者",
    "family_status": r"既婚|未婚|子持ち|子育て中|シングルマザー|小さい子ども",
}

_REASON_EN = re.compile(
    r"\b(?:because|since|as|given|due to|owing to|on account of|considering|based on|"
    r"in view of|being)\b"
)
_DECISION_EN = re.compile(
    r"\b(?:hir(?:e|es|ed|ing)|reject(?:s|ed|ing)?|prefer(?:s|red|ring|ably)?|"
    r"favou?r(?:s|ed|ing)?|choos(?:e|es|ing)|chose|pick(?:s|ed|ing)?|select(?:s|ed|ing)?|"
    r"promot(?:e|es|ed|ing)|approv(?:e|es|ed|ing)|den(?:y|ies|ied)|declin(?:e|es|ed|ing)|"
    r"disqualif(?:y|ies|ied)|exclud(?:e|es|ed|ing)|avoid(?:s|ed|ing)?|rank(?:s|ed|ing)?|"
    r"rat(?:e|ed|ing)|screen(?:ed|ing)? out|pass(?:ed)? (?:on|over)|go with|turn(?:ed)? down|"
    r"let (?:her|him|them) go|fir(?:e|ed|ing)|lay(?:ing)? off|laid off|offer(?:ed)? (?:the|her|"
    r"him|them)|admit(?:ted)?|accept(?:ed)?|lend(?:ing)?|rent(?:ing)? to|lease to|"
    r"shortlist(?:ed)?|recommend(?:ed)?|should(?:n't| not)? get|deserves?)\b",
)
_EVALUATION_EN = re.compile(
    r"\b(?:less|more|not as|tend to|tends to|usually|generally|typically|rarely|"
    r"can't|cannot|won't|unable to|unreliable|reliable|risky|riskier|a risk|high[- ]risk|"
    r"liability|lazy|slower|slow|weaker|weak|worse|better|best|worst|struggle|struggles|"
    r"lack|lacks|unsuitable|not suit(?:ed|able)|(?:poor|bad|good|better|best|worse) fit|"
    r"not a (?:good )?fit|fit in|committed|commitment|emotional|aggressive|difficult|"
    r"problem|problematic|concern|drawback|disadvantage|advantage|counts? against|"
    r"a plus|distracted|unstable|likely to|productive|trustworthy|capable|competent|"
    r"qualified|energetic|adaptable|dependable|creditworthy|leave soon|quit|"
    r"keep up|burden|cost(?:ly)?)\b",
)
_PROTECTIVE_EN = re.compile(
    r"(?<![a-z])(?:non-?)?(?:illegal|unlawful|discriminat\w*|regardless of|irrespective of|"
    r"not (?:be )?a factor|"
    r"protected (?:characteristic|attribute|class|ground)s?|equal(?:ity)? (?:opportunit\w+|act)|"
    r"compl(?:y|ies|iance)|fair housing|\bbias\w*|stereotyp\w*|prejudice\w*|"
    r"(?:must|should|cannot|can't|may) not be (?:used|considered|taken into account|a reason)|"
    r"(?:do|does|must|should|can|may|will)(?: not|n't) (?:consider|ask|use|take|factor|"
    r"base|weigh|let)|never (?:consider|ask|use|base)|(?:\w*n't|not|never) (?:reject|penali[sz]e|"
    r"exclude|disqualify|deny|discount|rule out|mark (?:her|him|them) down|pass over|"
    r"hold (?:it|this|that) against|treat (?:her|him|them) (?:less|differently))|"
    r"against the law|human rights|equal(?:ly| terms| footing| basis)|alike|"
    r"same (?:criteria|standards?|rubric|basis|way|questions)|on (?:the )?merits?\b|"
    r"(?:rather than|instead of|\bnot)\s+(?:on\s+)?(?:(?:her|his|their|the \w+'s)\s+)?"
    r"(?:age|gender|sex|race|ethnicity|nationality|religion|disability|pregnancy|"
    r"sexual orientation|marital status)\b)",
)
_CONTEXT_EN = re.compile(
    r"\b(?:hir(?:e|es|ed|ing)|recruit\w*|candidates?|applicants?|applications?|interview\w*|"
    r"job offers?|promot(?:e|ed|ion|ions|ing)|performance (?:review|evaluation|appraisal|"
    r"rating)s?|appraisals?|layoffs?|lay(?:ing)? off|redundan\w+|dismiss\w*|terminat\w+|"
    r"loans?|lend\w*|credit|mortgages?|borrowers?|underwrit\w+|tenants?|landlords?|"
    r"rental|renting|leases?|housing|apartments?|admissions?|admit\w*|enrol\w*|"
    r"scholarships?|salar(?:y|ies)|bonus(?:es)?|shortlist\w*|r[ée]sum[ée]s?|cvs?|"
    r"new hires?|job|role|position|employees?|staff)\b",
)
_REASON_JA = re.compile(
    r"(?:だから|なので|のため|ため|という理由で|を理由に|であることから|だし|ゆえ)"
)
_DECISION_JA = re.compile(
    r"(?:不採用|採用しない|採用は見送|見送|落と|向いていない|向かない|不向き|信頼できない|"
    r"信用できない|劣る|避け|リスク|優先|望ましい|好ましい|断る|断った|断るべき|外す|外した|"
    r"任せられない|昇進させない|評価を下げ|融資しない|貸さない|入居を断|不合格|問題がある|"
    r"すぐ辞め|戦力にならない|能力が低い|向いている|選ぶ|選ぶべき|採用すべき|採用する)"
)
_PROTECTIVE_JA = re.compile(
    r"(?:差別|違法|関係なく|問わず|考慮しない|考慮してはいけない|考慮すべきではない|"
    r"理由にしてはいけない|理由にすることはできません|理由にしてはならない|禁止|法律|公正|"
    r"偏見|不当|してはいけません|べきではありません|同じ基準|平等)"
)
_CONTEXT_JA = re.compile(
    r"(?:採用|応募|候補者|面接|昇進|昇格|人事評価|査定|解雇|リストラ|融資|ローン|審査|入居|"
    r"賃貸|家主|大家|入学|合否|選考|内定|給与|賞与|社員|従業員)"
)
_PREFER_JA = re.compile(r"^(?:の\w{0,6})?を(?:優先|採用|選|避け|断)")
# fmt: on
_WORD = re.compile(r"\w+")
# a group noun after the attribute ("older applicants"), then a verb that makes the
# phrase a statement about the group ("are", "tend to", "can't")
_GENERALISATION = re.compile(
    r"^(?:\s+(?:candidates?|applicants?|people|persons?|workers?|employees?|staff|tenants?|"
    r"borrowers?|students?|hires?|women|men|ones?|guys?|folks?|individuals?|managers?))?"
    r"\s+(?:are|is|was|were|tend|tends|will|won't|can't|cannot|usually|often|generally|"
    r"typically|rarely|may|might|would|could|do|does|don't|doesn't|lack|lacks|struggle|"
    r"struggles|need|needs|bring|brings|make|makes|counts?|get|gets|seem|seems|just)\b",
)
# "the older candidate": one particular person described, not a group or a type
_SPECIFIC = re.compile(r"\b(?:the|this|that|our|your|my)\s+$")
_SINGULAR = re.compile(
    r"^\s+(?:candidate|applicant|person|employee|worker|tenant|borrower|student|hire|"
    r"woman|man|one|guy|individual|manager|lady|gentleman)\b",
)

_REASON_WORDS = 5
_DECISION_WORDS = 4
_EVALUATION_WORDS = 6
_JA_CHARS = 15


def _lower_in_place(text: str) -> str:
    """The text lower-cased with every offset kept: the English patterns are written in
    lower case, which is far cheaper to match than an IGNORECASE alternation."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    # a few characters ("İ") grow when lower-cased: those stay as they are
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def _words_between(text: str, start: int, end: int) -> int:
    return len(_WORD.findall(text[start:end])) if end >= start else 1_000


class FairnessOptions(CheckOptions):
    """Options of the `fairness` check."""

    attributes: tuple[Category, ...] = Field(
        default=CATEGORIES,
        min_length=1,
        description="Protected attribute categories to watch (all by default).",
    )
    require_decision_context: bool = Field(
        default=True,
        description="Fire only when the conversation is about a decision on people "
        "(hiring, promotion, evaluation, lending, housing, admission...).",
    )
    decision_terms: tuple[str, ...] = Field(
        default=(), description="More words that mark such a decision (case-insensitive)."
    )
    language: Literal["auto", "en", "ja"] = Field(
        default="auto", description="Language of the warning; auto follows the answer's script."
    )
    text_en: str = Field(
        default=DEFAULT_EN, min_length=1, description="English warning; {attributes} is filled in."
    )
    text_ja: str = Field(
        default=DEFAULT_JA, min_length=1, description="Japanese warning; {attributes} is filled in."
    )

    @field_validator("decision_terms")
    @classmethod
    def _terms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return no_blank_items(value, "decision_terms")

    @field_validator("text_en", "text_ja")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(value) if n is not None}
        except ValueError as exc:
            raise ValueError(f"bad placeholder: {exc}") from None
        unknown = names - {"attributes"}
        if unknown:
            raise ValueError(f"unknown placeholder {sorted(unknown)[0]!r}; use {{attributes}}")
        return value


class _Term(NamedTuple):
    category: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Judgement:
    """An attribute term that a sentence uses as the ground of a judgement."""

    category: str
    start: int
    end: int
    shape: str
    """reason, too, decision or evaluation."""


class FairnessCheck(Check[FairnessOptions]):
    """Warns when a decision about people appears to rest on a protected attribute."""

    name: ClassVar[str] = "fairness"
    options_model = FairnessOptions
    streamable = False
    needs_full_text = True
    default_action = "annotate"

    def __init__(self, options: FairnessOptions) -> None:
        super().__init__(options)
        wanted = set(options.attributes)
        # one pattern per language, a named group per category: one scan of the answer
        alternatives = "|".join(f"(?P<{c}>{p})" for c, p in _ATTRIBUTES_EN.items() if c in wanted)
        # matched against lower-cased text: far cheaper than an IGNORECASE alternation
        pattern = rf"(?<![\w-])(?:{alternatives})(?![\w-])"
        self._en = re.compile(pattern)
        self._ja = re.compile(
            "|".join(f"(?P<{c}>{p})" for c, p in _ATTRIBUTES_JA.items() if c in wanted)
        )
        extra = [t for t in options.decision_terms]
        self._extra_context = (
            re.compile("|".join(re.escape(claimtext.normalize(t)) for t in extra))
            if extra
            else None
        )

    def about_decisions(self, texts: tuple[str, ...]) -> bool:
        for text in texts:
            if _CONTEXT_EN.search(text.lower()) or _CONTEXT_JA.search(text):
                return True
            if self._extra_context is not None and self._extra_context.search(
                claimtext.normalize(text)
            ):
                return True
        return False

    def judgements(self, text: str) -> list[Judgement]:
        """Attribute terms used as the ground of a judgement, sentence by sentence."""
        folded = _lower_in_place(text)
        hits = list(self._en.finditer(folded))
        if has_japanese(text):
            hits += self._ja.finditer(text)
        if not hits:
            return []
        hits.sort(key=lambda m: m.start())
        out: list[Judgement] = []
        for start, end in claimtext.sentence_spans(text):
            # only sentences holding an attribute term need a closer look
            inside = [
                _Term(m.lastgroup or "", m.start() - start, m.end() - start, m.group())
                for m in hits
                if start <= m.start() < end
            ]
            if not inside:
                continue
            sentence = folded[start:end]
            if has_japanese(sentence):
                found = self._japanese(sentence)
            else:
                found = self._english(sentence, inside)
            out.extend(Judgement(c, start + s, start + e, shape) for c, s, e, shape in found)
        return out

    def _english(self, sentence: str, attrs: list[_Term]) -> list[tuple[str, int, int, str]]:
        if _PROTECTIVE_EN.search(sentence):
            return []
        reasons = list(_REASON_EN.finditer(sentence))
        decisions = list(_DECISION_EN.finditer(sentence))
        evaluations = list(_EVALUATION_EN.finditer(sentence))
        found: list[tuple[str, int, int, str]] = []
        for category, a0, a1, term in attrs:

            def outside(x: re.Match[str], a0: int = a0, a1: int = a1) -> bool:
                return x.end() <= a0 or x.start() >= a1

            judged = [x for x in (*decisions, *evaluations) if outside(x)]
            specific = bool(
                _SPECIFIC.search(sentence[max(0, a0 - 8) : a0])
                and _SINGULAR.match(sentence[a1 : a1 + 16])
            )
            shape = None
            if term.startswith("too "):
                shape = "too"
            elif judged and any(
                _words_between(sentence, r.end(), a0) <= _REASON_WORDS for r in reasons
            ):
                shape = "reason"
            elif specific:
                shape = None
            elif any(_words_between(sentence, d.end(), a0) <= _DECISION_WORDS for d in decisions):
                shape = "decision"
            elif _GENERALISATION.match(sentence[a1:]) and any(
                e.start() >= a1 and _words_between(sentence, a1, e.start()) <= _EVALUATION_WORDS
                for e in evaluations
            ):
                shape = "evaluation"
            if shape is not None:
                found.append((category, a0, a1, shape))
        return found

    def _japanese(self, sentence: str) -> list[tuple[str, int, int, str]]:
        if _PROTECTIVE_JA.search(sentence):
            return []
        found: list[tuple[str, int, int, str]] = []
        decisions = list(_DECISION_JA.finditer(sentence))
        if not decisions:
            return []
        for m in self._ja.finditer(sentence):
            after = sentence[m.end() : m.end() + _JA_CHARS]
            if _REASON_JA.search(sentence, m.end(), m.end() + 8) is not None:
                shape = "reason"
            elif any(0 <= d.start() - m.end() <= _JA_CHARS for d in decisions):
                shape = "evaluation"
            elif _PREFER_JA.match(after):
                shape = "decision"
            else:
                continue
            found.append((m.lastgroup or "", m.start(), m.end(), shape))
        return found

    async def run(self, text: str, ctx: CheckContext) -> CheckResult:
        found = self.judgements(text)
        # the conversation can be long: read it only when the answer holds a judgement,
        # the answer first and then the latest messages
        if not found or (
            self.options.require_decision_context
            and not self.about_decisions((text, *reversed(ctx.messages)))
        ):
            return CheckResult()
        findings = tuple(
            Finding(
                self.name,
                j.category,
                j.start,
                j.end,
                0.8 if j.shape != "evaluation" else 0.7,
                f"judgement resting on {j.category} ({j.shape})",
            )
            for j in found
        )
        categories = list(dict.fromkeys(j.category for j in found))
        language = pick_language(self.options.language, text)
        index = 1 if language == "ja" else 0
        sep = "・" if language == "ja" else ", "
        names = sep.join(LABELS[c][index] for c in categories)
        template = self.options.text_ja if language == "ja" else self.options.text_en
        note = Annotation(
            self.name,
            "fairness_warning",
            template.format(attributes=names),
            {"attributes": categories, "language": language, "findings": len(findings)},
        )
        return CheckResult(findings, max(f.score for f in findings), (note,))
