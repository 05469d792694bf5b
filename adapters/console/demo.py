"""A clearly labelled SAMPLE community for trying Networker in the terminal.

Every person here is made up. Profiles are loaded through the same commands members use.
"""

from __future__ import annotations

from adapters.console.repl import COMMUNITY, PLATFORM
from bot.services.app import Networker
from bot.services.commands import Actor, EditProfile, MemberRef

DEMO_DB = "networker-demo.db"
DEMO_ORGANISERS = frozenset({"lena"})  # `/as lena` acts as an organiser, as described

# name, profile edit in the /profile syntax
PEOPLE: tuple[tuple[str, str], ...] = (
    (
        "ana",
        'skills="kubernetes:expert, terraform:practitioner, aws:expert" help="moving teams to k8s, on-call sanity" tz=Europe/Lisbon',
    ),
    (
        "ben",
        'skills="python:expert, machine learning:practitioner" help="reviewing ML side projects" tz=Europe/London',
    ),
    (
        "chloe",
        'skills="ux research:expert, product management:practitioner" help="usability tests on a budget" tz=America/New_York',
    ),
    (
        "dana",
        'skills="public speaking:learning, javascript:practitioner" looking="a mentor for conference talks" tz=Europe/Berlin',
    ),
    (
        "emeka",
        'skills="fundraising:expert, nonprofit management:expert" help="grant applications" tz=Africa/Lagos',
    ),
    (
        "fatima",
        'skills="resume:expert, interviewing:expert, recruiting:practitioner" help="CV reviews for career changers" tz=Asia/Dubai',
    ),
    (
        "gus",
        'skills="kubernetes:practitioner, golang:expert" tz=America/Chicago availability=busy:2099-01-31',
    ),
    (
        "hana",
        'skills="data visualization:expert, sql:expert" help="dashboards that people read" tz=Asia/Tokyo',
    ),
    (
        "ivan",
        'skills="security:expert, penetration testing:expert" tz=Europe/Warsaw availability=away',
    ),
    ("jade", 'skills="marketing:expert, seo:expert, copywriting:practitioner" tz=Australia/Sydney'),
    (
        "kofi",
        'skills="accounting:expert, tax:practitioner" help="bookkeeping for freelancers" tz=Africa/Accra',
    ),
    (
        "lena",
        'skills="leadership:expert, management:expert" help="first-time managers" tz=Europe/Vienna',
    ),
    ("marco", 'skills="react:expert, typescript:expert, javascript:expert" tz=Europe/Rome'),
    (
        "nora",
        'skills="public speaking:expert, writing:expert" help="talk abstracts and rehearsals" tz=America/Toronto',
    ),
    (
        "omar",
        'skills="startups:expert, venture capital:practitioner" help="pitch decks" tz=America/Los_Angeles',
    ),
    (
        "priya",
        'skills="machine learning:expert, nlp:expert, python:expert" tz=Asia/Kolkata capacity=2',
    ),
    ("quinn", 'skills="project management:expert, agile:expert" tz=America/Denver'),
    (
        "rosa",
        'skills="spanish:expert, translation:expert" help="Spanish localisation" tz=America/Mexico_City',
    ),
    (
        "sam",
        'skills="kubernetes:learning, docker:practitioner" looking="help with k8s networking" tz=Europe/Dublin',
    ),
    (
        "tara",
        'skills="legal:expert, contracts:expert" help="reading a contract before you sign" tz=Europe/Paris',
    ),
    ("uma", 'skills="ux design:expert, figma:expert" tz=Asia/Singapore discoverable=no'),
    ("victor", 'skills="supply chain:expert, operations:practitioner" tz=America/Sao_Paulo'),
    (
        "wen",
        'skills="data engineering:expert, sql:practitioner, python:practitioner" tz=Asia/Shanghai',
    ),
    ("xavier", 'skills="salary negotiation:expert, career coaching:expert" tz=Europe/Madrid'),
    (
        "yara",
        'skills="new york city:expert, real estate:practitioner" help="moving to NYC" tz=America/New_York',
    ),
    (
        "zoe",
        'skills="devops:expert, ci/cd:expert, kubernetes:expert" tz=Pacific/Auckland capacity=0',
    ),
    ("aiko", 'skills="mentoring:expert, leadership:practitioner" tz=Asia/Tokyo'),
    ("bruno", 'skills="photography:practitioner, marketing:learning" tz=Europe/Lisbon'),
    ("carla", 'skills="healthcare:expert, research:practitioner" tz=America/Bogota'),
    (
        "dev",
        'skills="aws:practitioner, terraform:expert" help="infra as code reviews" tz=Asia/Kolkata',
    ),
)


async def load_demo(app: Networker) -> int:
    for name, profile in PEOPLE:
        actor = Actor(
            PLATFORM, COMMUNITY, MemberRef(name, name), is_organiser=name in DEMO_ORGANISERS
        )
        result = await app.handle(actor, EditProfile(text=f'bio="Sample member {name}" {profile}'))
        if result is None or not result.ok:
            raise RuntimeError(f"demo profile for {name} was refused: {result and result.text}")
    return len(PEOPLE)
