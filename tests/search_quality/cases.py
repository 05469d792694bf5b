"""Labelled /whoknows queries: who should be offered, who may be, who must not be.

Two communities: the sample community of the console demo (`adapters/console/demo.py`)
and a synthetic one of 10,000 members (`communities.py`), where named members with known
profiles sit among background members listing made-up topics.

`should`: members a good answer offers (relevant). `may`: acceptable, neither counted for
nor against (partial matches of a mixed query, a broad field for a specific skill).
`not_`: members who must not be offered as helpers (learning it, looking for help with
it, hidden, away, full). An empty `should` means nobody can help: the answer must say so.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO = "demo"
SYNTHETIC = "synthetic"


@dataclass(frozen=True)
class Case:
    community: str
    kind: str
    query: str
    should: tuple[str, ...] = ()
    may: tuple[str, ...] = ()
    not_: tuple[str, ...] = ()

    @property
    def nobody(self) -> bool:
        return not self.should


def c(
    community: str,
    kind: str,
    query: str,
    should: str = "",
    may: str = "",
    not_: str = "",
) -> Case:
    return Case(community, kind, query, *(tuple(s.split()) for s in (should, may, not_)))


CASES: tuple[Case, ...] = (
    # ---- the sample community -------------------------------------------------------
    c(DEMO, "exact", "kubernetes", "ana gus", not_="sam zoe"),
    c(DEMO, "exact", "fundraising", "emeka"),
    c(DEMO, "exact", "public speaking", "nora", not_="dana"),
    c(DEMO, "exact", "sql", "hana wen"),
    c(DEMO, "exact", "Supply Chain", "victor"),
    c(DEMO, "plural", "contracts", "tara"),
    c(DEMO, "plural", "resumes", "fatima"),
    c(DEMO, "plural", "startup", "omar"),
    c(DEMO, "plural", "photographs", "bruno"),
    c(DEMO, "alias", "k8s", "ana gus", not_="sam zoe"),
    c(DEMO, "alias", "CV", "fatima"),
    c(DEMO, "alias", "NYC", "yara"),
    c(DEMO, "alias", "ML", "priya ben"),
    c(DEMO, "abbreviation in phrase", "k8s migration", "ana gus", not_="sam zoe"),
    c(DEMO, "abbreviation in phrase", "NYC real estate", "yara"),
    c(DEMO, "abbreviation in phrase", "ML python", "priya ben", "wen"),
    c(DEMO, "abbreviation in phrase", "JS frameworks", "marco dana"),
    c(DEMO, "abbreviation in phrase", "CV review", "fatima", "dev"),
    c(DEMO, "abbreviation in phrase", "k8s networking", "ana gus", not_="sam zoe"),
    c(DEMO, "typo", "kuberntes", "ana gus", not_="sam"),
    c(DEMO, "typo", "fundrasing", "emeka"),
    c(DEMO, "typo", "acounting", "kofi"),
    c(DEMO, "typo", "photgraphy", "bruno"),
    c(DEMO, "accents", "résumé", "fatima"),
    c(DEMO, "accents", "RÉSUMÉS", "fatima"),
    c(DEMO, "accents", "Español", "rosa"),
    c(DEMO, "multi-word", "python machine learning", "priya ben", "wen"),
    c(DEMO, "multi-word", "aws terraform", "ana dev"),
    c(DEMO, "multi-word", "react typescript", "marco"),
    c(DEMO, "multi-word", "sql python", "wen", "hana ben priya"),
    c(DEMO, "multi-word", "accounting and tax", "kofi"),
    c(DEMO, "broad field", "data science", "priya ben hana wen"),
    c(DEMO, "broad field", "law", "tara"),
    c(DEMO, "broad field", "finance", "kofi"),
    c(DEMO, "broad field", "career development", "xavier fatima aiko"),
    c(DEMO, "broad field", "cloud computing", "ana dev", "gus sam", not_="zoe"),
    c(DEMO, "broad field", "web development", "marco dana"),
    c(DEMO, "broad field", "hiring", "fatima"),
    c(DEMO, "broad field", "nonprofit fundraising", "emeka"),
    c(DEMO, "specific to field", "grant writing", "emeka", "nora"),
    c(DEMO, "specific to field", "donor relations", "emeka"),
    c(DEMO, "free text only", "dashboards", "hana"),
    c(DEMO, "free text only", "pitch decks", "omar"),
    c(DEMO, "free text only", "usability tests", "chloe"),
    c(DEMO, "free text only", "bookkeeping", "kofi"),
    c(DEMO, "free text only", "talk rehearsals", "nora", not_="dana"),
    c(DEMO, "learning or seeking", "mentor", "aiko", "lena", not_="dana"),
    c(DEMO, "nobody", "quantum computing"),
    c(DEMO, "nobody", "beekeeping"),
    c(DEMO, "nobody", "underwater welding"),
    c(DEMO, "nobody", "harp lessons"),
    c(DEMO, "nobody", "volcanology"),
    # ---- the synthetic community of 10,000 ------------------------------------------
    c(SYNTHETIC, "exact", "fundraising", "otto nia gwh", "npo pyn", not_="pim"),
    c(SYNTHETIC, "exact", "epidemiology", "hal", "gwh"),
    c(SYNTHETIC, "exact", "instructional design", "eda"),
    c(SYNTHETIC, "exact", "structural engineering", "eng"),
    c(SYNTHETIC, "plural", "statistic", "dsa", "dsb"),
    c(SYNTHETIC, "plural", "grant proposals", "nia gwh", "otto npo pyn", not_="gwl"),
    c(SYNTHETIC, "alias", "HR", "hrm rex"),
    c(SYNTHETIC, "alias", "stats", "dsa", "dsb"),
    c(SYNTHETIC, "alias", "SF", "sfo"),
    c(SYNTHETIC, "abbreviation in phrase", "SF startups", "sfo"),
    c(SYNTHETIC, "abbreviation in phrase", "HR onboarding", "hrm"),
    c(SYNTHETIC, "abbreviation in phrase", "stats homework", "dsa", "dsb"),
    c(SYNTHETIC, "typo", "epidemology", "hal", "gwh"),
    c(SYNTHETIC, "typo", "curiculum design", "eda"),
    c(SYNTHETIC, "typo", "fundrasing", "otto nia gwh", "npo pyn", not_="pim"),
    c(SYNTHETIC, "accents", "cafe management", "cam"),
    c(SYNTHETIC, "accents", "patisserie", "pat"),
    c(SYNTHETIC, "accents", "MÜNCHEN", "mun"),
    c(SYNTHETIC, "multi-word", "python nonprofit", "pyn", "pyo npo"),
    c(SYNTHETIC, "multi-word", "grant writing health", "gwh", "nia hal nel"),
    c(SYNTHETIC, "multi-word", "excel financial modeling", "fin"),
    c(SYNTHETIC, "broad field", "data science", "dsb dsa", "pyn pyo", not_="dsl"),
    c(SYNTHETIC, "broad field", "human resources", "hrm rex"),
    c(SYNTHETIC, "broad field", "law", "lia rex"),
    c(SYNTHETIC, "broad field", "healthcare", "hal nel gwh"),
    c(SYNTHETIC, "broad field", "finance", "fin"),
    c(SYNTHETIC, "broad field", "digital marketing", "mia"),
    c(SYNTHETIC, "broad field", "graphic design", "dex"),
    c(SYNTHETIC, "broad field", "education", "eda"),
    c(SYNTHETIC, "broad field", "civil engineering", "eng"),
    c(SYNTHETIC, "broad field", "research", "res", "dsa"),
    c(SYNTHETIC, "broad field", "public policy", "pol"),
    c(SYNTHETIC, "broad field", "nonprofit fundraising", "otto nia", "npo pyn", not_="pim"),
    c(SYNTHETIC, "specific to field", "pandas", "dsa", "dsb", not_="dsl"),
    c(SYNTHETIC, "specific to field", "donor relations", "nia", "otto npo pyn"),
    c(SYNTHETIC, "specific to field", "lobbying", "pol"),
    c(SYNTHETIC, "learned relation", "sourdough", "pia"),
    c(SYNTHETIC, "learned relation", "pollination", "bea"),
    c(SYNTHETIC, "free text only", "capital campaigns", "fre"),
    c(SYNTHETIC, "free text only", "museum exhibitions", "fre"),
    c(SYNTHETIC, "learning or seeking", "grant writing", "nia gwh", "otto npo pyn", not_="gwl"),
    c(SYNTHETIC, "nobody", "volcanology"),
    c(SYNTHETIC, "nobody", "underwater welding"),
    c(SYNTHETIC, "nobody", "harp lessons"),
    c(SYNTHETIC, "nobody", "quantum chromodynamics"),
    # ---- written after the search was changed, and scored as they came out ----------
    c(DEMO, "free text only", "Kubernetes help", "ana gus", not_="sam zoe"),
    c(DEMO, "multi-word", "someone who knows SEO", "jade"),
    c(DEMO, "multi-word", "tax returns", "kofi"),
    c(DEMO, "multi-word", "legal advice on contracts", "tara"),
    c(DEMO, "plural", "product managers", "chloe"),
    c(DEMO, "multi-word", "venture capital pitch", "omar"),
    c(DEMO, "multi-word", "translation spanish", "rosa"),
    c(DEMO, "nobody", "penetration testing"),
    c(DEMO, "specific to field", "deep learning", "priya ben"),
    c(DEMO, "nobody", "accessibility"),
    c(SYNTHETIC, "exact", "nursing", "nel"),
    c(SYNTHETIC, "exact", "typography", "dex"),
    c(SYNTHETIC, "multi-word", "grant writing for nonprofits", "nia gwh", "npo pyn otto"),
    c(SYNTHETIC, "typo", "employment lawyer", "rex"),
    c(SYNTHETIC, "multi-word", "public health research", "hal res", "gwh"),
    c(SYNTHETIC, "nobody", "knitting"),
)
