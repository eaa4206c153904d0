"""The distance and inside rule that check-ins and find-the-place tasks share."""

import pytest

from rallies.geo import distance_m, is_inside, validate_lat_lon


def test_distance_is_geodesic_metres():
    # Rijksmuseum to the Royal Palace on Dam square, about 1.5 km.
    assert distance_m(52.3600, 4.8852, 52.3731, 4.8913) == pytest.approx(1520, abs=20)
    assert distance_m(0, 0, 0, 1) == pytest.approx(111_319.5, abs=1)


def test_distance_to_itself_is_zero():
    assert distance_m(52.36, 4.8852, 52.36, 4.8852) == 0


def test_inside_the_radius_is_inside():
    assert is_inside(distance_m=49, accuracy_m=0, radius_m=50)
    assert is_inside(distance_m=50, accuracy_m=0, radius_m=50)
    assert not is_inside(distance_m=50.1, accuracy_m=0, radius_m=50)


def test_accuracy_counts_up_to_half_the_radius():
    assert is_inside(distance_m=75, accuracy_m=30, radius_m=50)
    assert not is_inside(distance_m=75.1, accuracy_m=30, radius_m=50)


def test_accuracy_counts_up_to_fifty_metres():
    assert is_inside(distance_m=550, accuracy_m=400, radius_m=500)
    assert not is_inside(distance_m=550.1, accuracy_m=400, radius_m=500)


def test_a_hopeless_fix_never_unlocks_a_far_place():
    assert not is_inside(distance_m=1000, accuracy_m=5000, radius_m=50)


def test_valid_coordinates_come_back_as_floats():
    assert validate_lat_lon(90, -180) == (90.0, -180.0)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (90.1, 0, "lat must be between -90 and 90"),
        (0, 180.1, "lon must be between -180 and 180"),
        (True, 0, "lat must be a number"),
        (0, "4.88", "lon must be a number"),
        (None, 0, "lat must be a number"),
        (float("nan"), 0, "lat must be a number"),
    ],
)
def test_invalid_coordinates_say_what_is_wrong(lat, lon, message):
    with pytest.raises(ValueError, match=message):
        validate_lat_lon(lat, lon)
