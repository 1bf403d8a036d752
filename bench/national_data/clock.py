"""Time for the synthetic rows: moments as whole-second UTC epochs, dates as UK day numbers, and the
text COPY reads for both, cached (formatting is most of the cost of a row)."""

from __future__ import annotations

import datetime
import zoneinfo

DAY = 86_400
HOUR = 3_600


class Clock:
    """Whole-second UTC epochs for moments and UK day numbers (days since 1970-01-01) for dates, with
    the text COPY wants cached: formatting is most of the cost of a row."""

    EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()

    def __init__(self, zone: zoneinfo.ZoneInfo, first_day: int, last_day: int) -> None:
        """Texts are cached for the days from `first_day` to `last_day`; others are made when asked for."""
        self.zone = zone
        self._offsets: dict[int, int] = {}
        self._day_starts: dict[int, int] = {}
        self._first_day = first_day
        self._day_texts = [self.date(day).isoformat() for day in range(first_day, last_day + 1)]
        self._times = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]

    @classmethod
    def day_number(cls, day: datetime.date) -> int:
        return day.toordinal() - cls.EPOCH_ORDINAL

    @classmethod
    def date(cls, day: int) -> datetime.date:
        return datetime.date.fromordinal(day + cls.EPOCH_ORDINAL)

    def local_day(self, moment: int) -> int:
        """The UK day number of a moment."""
        hour = moment // HOUR
        offset = self._offsets.get(hour)
        if offset is None:
            offset = int(datetime.datetime.fromtimestamp(hour * HOUR, self.zone).utcoffset().total_seconds())
            self._offsets[hour] = offset
        return (moment + offset) // DAY

    def day_start(self, day: int) -> int:
        """The moment UK midnight begins that day."""
        start = self._day_starts.get(day)
        if start is None:
            start = int(datetime.datetime.combine(self.date(day), datetime.time(), self.zone).timestamp())
            self._day_starts[day] = start
        return start

    def day_text(self, day: int) -> str:
        index = day - self._first_day
        if 0 <= index < len(self._day_texts):
            return self._day_texts[index]
        return self.date(day).isoformat()

    def moment_text(self, moment: int) -> str:
        """A timestamp in UTC, as COPY reads it."""
        day, second = divmod(moment, DAY)
        index = day - self._first_day
        if 0 <= index < len(self._day_texts):
            return f"{self._day_texts[index]} {self._times[second]}+00"
        return f"{self.date(day).isoformat()} {self._times[second]}+00"
