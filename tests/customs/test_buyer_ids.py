"""PRC resident ID numbers: the GB 11643-1999 check character, masking, the ledger's HMAC key."""

from __future__ import annotations

import pytest
from django.test import override_settings

from customs import buyer_ids
from customs.buyer_ids import BuyerIdInvalid


def test_known_good_numbers_pass_and_come_back_normalized():
    assert buyer_ids.resident_id_validate("11010519491231002x") == "11010519491231002X"
    assert buyer_ids.resident_id_validate(" 440524188001010014 ") == "440524188001010014"


def test_the_check_character_follows_iso_7064_mod_11_2():
    # 1x7 + 1x9 + 0x10 + 1x5 + 0x8 + 5x4 + 1x2 + 9x1 + 4x6 + 9x3 + 1x7 + 2x9 + 3x10 + 1x5
    # + 0x8 + 0x4 + 2x2 = 167; 167 mod 11 = 2 -> "X"
    assert buyer_ids.check_character("11010519491231002") == "X"
    assert buyer_ids.check_character("44052418800101001") == "4"


@pytest.mark.parametrize("wrong", ["110105194912310021", "440524188001010015"])
def test_a_wrong_check_character_is_id_checksum_invalid(wrong):
    with pytest.raises(BuyerIdInvalid) as raised:
        buyer_ids.resident_id_validate(wrong)

    error = raised.value
    assert (error.code, error.status, error.field) == (
        "ID_CHECKSUM_INVALID",
        400,
        "buyer_id_number",
    )
    assert wrong not in error.detail


@pytest.mark.parametrize("malformed", ["", "1101051949123100", "11010519491231002Y", "X" * 18])
def test_a_malformed_number_is_refused_without_repeating_it(malformed):
    with pytest.raises(BuyerIdInvalid) as raised:
        buyer_ids.resident_id_validate(malformed)

    assert raised.value.code == "ID_FORMAT_INVALID"
    assert not malformed or malformed not in raised.value.detail


def test_masking_shows_the_address_code_and_the_last_four_only():
    assert buyer_ids.mask("11010519491231002X") == "110105********002X"
    assert buyer_ids.mask("12345") == "*****"


def test_the_ledger_key_is_a_stable_hmac_that_hides_the_number():
    key = buyer_ids.buyer_key("11010519491231002X")

    assert key == buyer_ids.buyer_key("11010519491231002x")
    assert len(key) == 64
    assert "19491231" not in key
    assert key != buyer_ids.buyer_key("440524188001010014")


def test_the_key_follows_buyer_id_hmac_key_when_it_is_set():
    derived = buyer_ids.buyer_key("11010519491231002X")

    with override_settings(BUYER_ID_HMAC_KEY="a-dedicated-key"):
        dedicated = buyer_ids.buyer_key("11010519491231002X")
    with override_settings(BUYER_ID_HMAC_KEY="", SECRET_KEY="another-secret-key"):
        rederived = buyer_ids.buyer_key("11010519491231002X")

    assert len({derived, dedicated, rederived}) == 3
