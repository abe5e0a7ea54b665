"""Labels for a joint committee's work on the pages of each area it concerns."""

from django import template

register = template.Library()


def _names(areas) -> str:
    names = [area.name for area in areas]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@register.simple_tag
def joint_with(record, locality, noun: str = "review") -> str:
    """ "Joint review with Eastvale" for a review or report (with its `areas` prefetched) that
    concerns other areas besides the one the page is about; empty for one area's work."""
    others = record.other_areas(locality)
    return f"Joint {noun} with {_names(others)}" if others else ""
