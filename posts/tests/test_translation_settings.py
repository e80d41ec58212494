"""TRANSLATOR settings, read at start-up in a fresh interpreter."""

from microblog.tests.test_settings import PROD, load_settings


def test_translation_is_off_by_default(tmp_path):
    code, out = load_settings(tmp_path, "repr(s.TRANSLATOR)", **PROD)

    assert code == 0, out
    assert out.splitlines()[-1] == "''"


def test_an_unknown_translator_stops_start_up(tmp_path):
    code, out = load_settings(tmp_path, TRANSLATOR="google", **PROD)

    assert code != 0
    assert "TRANSLATOR='google'" in out


def test_libretranslate_needs_a_url(tmp_path):
    code, out = load_settings(tmp_path, TRANSLATOR="libretranslate", **PROD)

    assert code != 0
    assert "needs TRANSLATOR_URL" in out


def test_a_translator_is_chosen_by_environment_variables(tmp_path):
    env = {"TRANSLATOR": "DeepL", "TRANSLATOR_KEY": "k:fx", "TRANSLATOR_TIMEOUT": "2.5"}
    code, out = load_settings(tmp_path, "s.TRANSLATOR, s.TRANSLATOR_KEY, s.TRANSLATOR_TIMEOUT", **env, **PROD)

    assert code == 0, out
    assert out.splitlines()[-1] == "deepl k:fx 2.5"
