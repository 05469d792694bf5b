"""/networker import with an attached CSV, through discord.py against the REST double:
the file is fetched from its attachment address, members are found among the guild's
members (by id, or by exact name through member search), progress and the summary show
in the deferred answer, and the imported members stay out of /whoknows."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.discord.conftest import GUILD_ID, DiscordWorld, Person, member_payload
from tests.adapters.discord.double import TOKEN, DiscordDouble, snowflake
from tests.adapters.discord.test_cli import networker

CSV = (
    "User ID;Username;Skills;Can help with\r\n"
    "{ana};;python:expert;code reviews\r\n"
    ";Ben;python:learning;\r\n"
    ";nobody;python;\r\n"
    "12345;;go;\r\n"
)


def in_guild(world: DiscordWorld, *people: Person) -> None:
    for person in people:
        world.double.guild_members[person.id] = member_payload(person)


async def import_file(
    world: DiscordWorld, who: Person, data: bytes, *, mode: str = ""
) -> list[str]:
    """Run /networker import with `data` attached; the texts the answer showed, in order."""
    world.double.files["members.csv"] = data
    attachment = snowflake()
    options: list[dict[str, object]] = [{"name": "file", "type": 11, "value": attachment}]
    if mode:
        options.append({"name": "mode", "type": 3, "value": mode})
    url = f"{world.double.origin}/attachments/members.csv"
    data_json = {
        "id": snowflake(),
        "name": "networker",
        "type": 1,
        "options": [{"name": "import", "type": 1, "options": options}],
        "resolved": {
            "attachments": {
                attachment: {
                    "id": attachment,
                    "filename": "members.csv",
                    "size": len(data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": "text/csv",
                }
            }
        },
    }
    answer = await world.inject(world.interaction(2, who, data_json))
    assert answer.callback["type"] == 5  # deferred: an import outlasts Discord's 3 s
    edits = world.double.calls("PATCH", r"/webhooks/\d+/[^/]+/messages/@original")
    return [str(e.json["content"]) for e in edits]


async def test_an_organiser_imports_an_attached_list_and_sees_progress_then_the_summary(
    world: DiscordWorld,
) -> None:
    org = world.person("org", organiser=True)
    ana, ben, asker = world.person("ana"), world.person("ben"), world.person("asker")
    in_guild(world, ana, ben)
    texts = await import_file(world, org, CSV.format(ana=ana.id).encode())
    assert any(t.startswith("Importing the member list: applying") for t in texts[:-1])
    summary = texts[-1]
    assert "4 rows · 2 matched · 2 new · 0 updated · 0 unchanged · 2 rejected" in summary
    assert "row 4, username: matches no member on Discord" in summary
    assert "row 5, platform user id: matches no member on Discord" in summary
    found = await world.command(asker, "whoknows", topic="python")
    assert ana.id not in found.content and ben.id not in found.content


async def test_a_dry_run_changes_nothing_and_members_cannot_import(world: DiscordWorld) -> None:
    org, ana = world.person("org", organiser=True), world.person("ana")
    in_guild(world, ana)
    texts = await import_file(world, org, CSV.format(ana=ana.id).encode(), mode="dry-run")
    assert texts[-1].startswith("Checked (dry run, nothing was changed)")
    assert world.double.calls("GET", r"/guilds/\d+/members/\d+")  # members were looked up
    plain = world.person("plain")
    world.double.clear()
    texts = await import_file(world, plain, CSV.format(ana=ana.id).encode())
    assert texts == ["Only organisers can do that.\nAsk one of your community's organisers."]
    assert world.double.calls("GET", r"/attachments/.*") == []  # the file was not even read


async def test_the_command_line_imports_into_a_discord_server(
    tmp_path: Path, discord_double: DiscordDouble
) -> None:
    ana = Person("930000000000000001", "ana")
    discord_double.guild_members[ana.id] = member_payload(ana)
    (tmp_path / "members.csv").write_text(
        f"user id,username,skills\n{ana.id},,python:expert\n,ana,go\n,zed,go\n", encoding="utf-8"
    )
    code, out, err = await networker(
        tmp_path,
        "import",
        "members.csv",
        "--community",
        GUILD_ID,
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_URL=discord_double.base_url,
    )
    assert code == 0, err
    assert out.splitlines()[0] == (
        "Imported: 3 rows · 1 matched · 1 new · 0 updated · 0 unchanged · 2 rejected"
    )
    assert "  row 3, username: the same member as row 2" in out
    assert "  row 4, username: matches no member on Discord" in out
    assert discord_double.requests[0].headers["Authorization"] == f"Bot {TOKEN}"
