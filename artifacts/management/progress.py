"""Progress bars for long commands, drawn by tqdm on stderr so stdout keeps the report.

The archive's long-running code reports progress through a callback, `progress(done,
total)` or `progress(phase, done, total)`; `Progress` turns those calls into one tqdm bar
per phase, redrawn at most twice a second so that a log of a long run stays short.
"""

from django.utils.translation import pgettext_lazy
from tqdm import tqdm

# The phases callers report (an import's “Checking” and “Writing”) stay English in the
# callback, which code compares; the bar shows them in the curator's language.
PHASE_LABELS = {
    "Checking": pgettext_lazy("progress of an import", "Checking"),
    "Writing": pgettext_lazy("progress of an import", "Writing"),
}


class Progress:
    def __init__(self, stream, unit: str = "artifact"):
        self.stream = stream
        self.unit = unit
        self.bar = None
        self.phase = None

    def __call__(self, *args) -> None:
        phase, done, total = args if len(args) == 3 else (None, *args)
        if self.bar is None or phase != self.phase:
            self.close()
            self.phase = phase
            desc = str(PHASE_LABELS[phase]) if phase in PHASE_LABELS else phase
            self.bar = tqdm(total=total, desc=desc, unit=self.unit, file=self.stream, mininterval=0.5)
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
