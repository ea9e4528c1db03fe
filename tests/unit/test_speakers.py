from index.attribution import RawAttribution
from index.speakers import resolve_document, translit_key


def raw(speaker, **kw):
    return RawAttribution(speaker=speaker, cue="a déclaré", kind="indirect", **kw)


def test_surname_resolves_to_full_name_introduced_before():
    atts, _ = resolve_document([(1, raw("Song Zhongping", person=True, description="un expert"), ["Song Zhongping"]),
                                (2, raw("Song", person=True), ["Song"])])
    assert atts[1].canonical_speaker == "Song Zhongping" and atts[1].coref
    assert atts[1].description == "un expert"


def test_transliterations_are_one_person():
    assert translit_key("Choïgou") == translit_key("Shoigu")
    atts, people = resolve_document([(1, RawAttribution(None, None, None), ["Sergueï Choïgou"]),
                                     (2, raw("Shoigu", person=True), [])])
    assert atts[1].canonical_speaker == "Sergueï Choïgou"


def test_title_is_stripped_and_role_noun_resolves():
    atts, _ = resolve_document([
        (1, raw("Heather Nauert", person=True, description="porte-parole du département d'État"), []),
        (2, raw("Mme Nauert", person=True), []),
        (3, raw("porte-parole", gender="Fem"), []),
    ])
    assert [a.canonical_speaker for a in atts] == ["Heather Nauert"] * 3
    assert atts[2].coref


def test_pronoun_goes_to_previous_compatible_speaker():
    atts, _ = resolve_document([
        (1, raw("Mme Dupont", person=True), []),
        (2, raw("M. Martin", person=True), []),
        (3, RawAttribution("Elle", "a ajouté", "indirect", pronoun="elle", gender="Fem"), []),
        (4, RawAttribution("Il", "a ajouté", "indirect", pronoun="il", gender="Masc"), []),
    ])
    assert atts[2].canonical_speaker == "Dupont" and atts[2].coref
    assert atts[3].canonical_speaker == "Martin"


def test_joint_statement_has_each_member():
    atts, _ = resolve_document([(1, RawAttribution(None, None, None), ["Li Shangfu", "Sergueï Choïgou"]),
                                (2, raw("Li et Choïgou", members=("Li", "Choïgou"), plural=True), [])])
    assert atts[1].speakers == ("Li Shangfu", "Sergueï Choïgou")


def test_unknown_pronoun_stays_unresolved():
    atts, _ = resolve_document([(1, RawAttribution("Il", "a dit", "indirect", pronoun="il", gender="Masc"), [])])
    assert atts[0].canonical_speaker is None and not atts[0].coref


def test_definite_description_refers_to_the_speaker_just_quoted():
    atts, _ = resolve_document([
        (1, raw("Luis Enrique", person=True, description="entraîneur du PSG"), []),
        (2, RawAttribution("technicien espagnol", "a expliqué", "direct", definite_role="technicien"), []),
        (3, RawAttribution("ministère", "a déclaré", "indirect", definite_role="ministère"), []),
    ])
    assert atts[1].canonical_speaker == "Luis Enrique" and atts[1].coref
    assert atts[2].canonical_speaker == "ministère"     # an institution is not an anaphor


def test_same_full_name_across_spellings():
    from index.speakers import same_full_name

    assert same_full_name("Dmitri Peskov", "Dmitry Peskov")
    assert same_full_name("Sergueï Choïgou", "Sergei Shoigu")
    assert not same_full_name("Zhang Hong", "Song Zhongping")
