"""/networker topics: what the community asks about, and where it needs more helpers.

Counts only: which member asked whom about what stays between them."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.activity import TopicDemand, least_covered, most_asked
from bot.domain.wording import plural
from bot.messages import Field, Message, Reply, Section, line, reply
from bot.services.commands import Topics
from bot.services.context import Context

PERIOD = timedelta(days=90)


async def topics(ctx: Context, _cmd: Topics) -> Reply:
    demand = await ctx.uow.communities.topic_demand(ctx.community_id, ctx.now - PERIOD)
    if not demand:
        return reply(
            "Nobody has asked for help about a topic in the last 90 days.",
            "/whoknows <topic> finds who can help; an ask from there is counted here.",
        )
    fields = [Field("Most asked", line(" · ".join(_entry(d) for d in most_asked(demand))))]
    thin = least_covered(demand)
    if thin:
        fields.append(Field("Few can help", line(" · ".join(_entry(d) for d in thin))))
    return Reply(
        Message(
            sections=(
                Section(
                    text=line("What members asked for help with in the last 90 days:"),
                    fields=tuple(fields),
                ),
                Section(
                    text=line(
                        "Know one of these? Add it to your profile, e.g. "
                        '/profile +skill="grant writing:practitioner", so people can find you.'
                    )
                ),
            )
        )
    )


def _entry(item: TopicDemand) -> str:
    asks = plural(item.asks, "ask")
    if item.helpers == 0:
        return f"{item.label} ({asks}, nobody listed yet)"
    who = "member can" if item.helpers == 1 else "members can"
    return f"{item.label} ({asks}, {item.helpers} {who} help)"
