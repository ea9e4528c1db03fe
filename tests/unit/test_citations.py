from qa.citations import check_citations, cited_ids, marker


def test_marker_short_for_one_document_full_for_several():
    assert marker("art#S10", multi_doc=False) == "[S10]"
    assert marker("art#S10", multi_doc=True) == "[art#S10]"


def test_valid_citations_kept_and_invented_ones_removed():
    checked = check_citations("Zhang said it [S10]. Song agreed [S99]. Also [other#S3].", ["art#S10", "art#S11"])
    assert checked.valid == ("art#S10",)
    assert set(checked.removed) == {"S99", "other#S3"}
    assert checked.text == "Zhang said it [S10]. Song agreed. Also."


def test_bare_number_maps_to_evidence_id():
    assert cited_ids("[S2] and [b#S4]", ["a#S2", "b#S4"]) == ["a#S2", "b#S4"]


def test_punctuation_spacing_is_preserved():
    assert check_citations("Il a déclaré : « oui » [S1]", ["a#S1"]).text == "Il a déclaré : « oui » [S1]"
