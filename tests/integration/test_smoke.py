from tests.driver import Community, names_in


async def test_whoknows_finds_a_member_by_alias(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="kubernetes:expert"')
    result = await dana.whoknows("k8s")
    assert names_in(result) == ["Ana"]
