"""Find the place: right when the phone is inside by the check-in rule."""

import pytest
from geopy.distance import geodesic

from rallies.tasks import NO_SOLUTION, InvalidValue, Score, get_task_type

from tests.tasks.conftest import in_english

LOCATION = get_task_type("location")
RIJKSMUSEUM = (52.3600, 4.8852)
CONFIG = LOCATION.load_config({"lat": RIJKSMUSEUM[0], "lon": RIJKSMUSEUM[1], "radius_m": 50})


def fix(metres_north: float, accuracy_m: float) -> dict:
    """A phone position the given distance north of the museum."""
    point = geodesic(meters=metres_north).destination(RIJKSMUSEUM, bearing=0)
    return {"lat": point.latitude, "lon": point.longitude, "accuracy_m": accuracy_m}


def scored(value, config=CONFIG):
    return LOCATION.score(config, LOCATION.parse_value(config, value))


def test_standing_at_the_place_is_right():
    assert scored({"lat": RIJKSMUSEUM[0], "lon": RIJKSMUSEUM[1], "accuracy_m": 5}) == Score(correct=True, share=1.0)


def test_inside_the_radius_is_right():
    assert scored(fix(40, 0)) == Score(correct=True, share=1.0)


def test_far_away_is_wrong():
    assert scored(fix(400, 10)) == Score(correct=False, share=0.0)


def test_accuracy_helps_by_up_to_half_the_radius():
    assert scored(fix(74, 30)) == Score(correct=True, share=1.0)  # allowance min(30, 50, 25) = 25
    assert scored(fix(76, 30)) == Score(correct=False, share=0.0)


def test_accuracy_helps_by_at_most_fifty_metres():
    wide = LOCATION.load_config({"lat": RIJKSMUSEUM[0], "lon": RIJKSMUSEUM[1], "radius_m": 500})

    assert scored(fix(549, 200), wide) == Score(correct=True, share=1.0)
    assert scored(fix(551, 200), wide) == Score(correct=False, share=0.0)


def test_a_5000_m_accuracy_never_unlocks_a_place_1_km_away():
    assert scored(fix(1000, 5000)) == Score(correct=False, share=0.0)


def test_public_view_shows_the_place_and_there_is_no_solution():
    assert LOCATION.public_view(CONFIG) == {"target": {"lat": 52.36, "lon": 4.8852, "radius_m": 50.0}}
    assert LOCATION.solution(CONFIG) is NO_SOLUTION


def test_values_are_normalised_to_floats():
    parsed = LOCATION.parse_value(CONFIG, {"lat": 52, "lon": 5, "accuracy_m": 0})

    assert parsed == {"lat": 52.0, "lon": 5.0, "accuracy_m": 0.0}
    assert all(isinstance(number, float) for number in parsed.values())


@pytest.mark.parametrize(
    "value",
    [
        None,
        [52.36, 4.88, 10],
        "52.36,4.88",
        {"lat": 52.36, "lon": 4.88},
        {"lat": 52.36, "accuracy_m": 10},
        {"lon": 4.88, "accuracy_m": 10},
        {"lat": 52.36, "lon": 4.88, "accuracy_m": None},
        {"lat": None, "lon": 4.88, "accuracy_m": 10},
        {"lat": "52.36", "lon": 4.88, "accuracy_m": 10},
        {"lat": True, "lon": 4.88, "accuracy_m": 10},
        {"lat": 52.36, "lon": 4.88, "accuracy_m": False},
        {"lat": 90.5, "lon": 4.88, "accuracy_m": 10},
        {"lat": 52.36, "lon": -180.5, "accuracy_m": 10},
        {"lat": 52.36, "lon": 4.88, "accuracy_m": -1},
        {"lat": float("nan"), "lon": 4.88, "accuracy_m": 10},
        {"lat": 52.36, "lon": 4.88, "accuracy_m": float("inf")},
        {"lat": 52.36, "lon": 4.88, "accuracy_m": 10, "altitude": 3},
    ],
)
def test_malformed_positions_are_invalid(value):
    with pytest.raises(InvalidValue):
        LOCATION.parse_value(CONFIG, value)


def test_descriptions_say_where_and_how_far():
    assert in_english(LOCATION.describe_value(CONFIG, fix(120, 8))).endswith("(±8 m), 120 m from the place")
    assert in_english(LOCATION.describe_solution(CONFIG)) == "within 50 m of 52.360000, 4.885200"


@pytest.mark.parametrize("radius", [9.9, 5001, True])
def test_radius_is_10_to_5000_metres(config_errors, radius):
    assert list(config_errors("location", {"lat": 52.36, "lon": 4.88, "radius_m": radius})) == ["radius_m"]


def test_config_coordinates_must_be_on_earth(config_errors):
    assert sorted(config_errors("location", {"lat": 91, "lon": 181, "radius_m": 50})) == ["lat", "lon"]


def test_config_needs_place_and_radius(config_errors):
    assert sorted(config_errors("location", {})) == ["lat", "lon", "radius_m"]
