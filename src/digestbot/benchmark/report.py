"""The benchmark's report: each figure printed as it is measured, then every figure side by side."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    """Figures by name and column (a backend such as "torch" or "onnx-int8"; "" for a single value)."""

    columns: list[str] = field(default_factory=list)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, value: str, target: str = "", column: str = "") -> None:
        """Record one figure and print it at once (a full run takes minutes)."""
        if column and column not in self.columns:
            self.columns.append(column)
        self.values.setdefault(name, {})[column] = value
        if target:
            self.targets[name] = target
        where = f"[{column}]" if column else ""
        print(f"  {where:<18} {name:<52} {value:<24} {target}", flush=True)

    def table(self) -> str:
        """A Markdown table: one row per figure, one column per backend, then the target."""
        header = ["figure", *self.columns, "target"]
        lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        for name, by_column in self.values.items():
            if "" in by_column:
                cells = [by_column[""]] + [""] * (len(self.columns) - 1)
            else:
                cells = [by_column.get(column, "") for column in self.columns]
            lines.append("| " + " | ".join([name, *cells, self.targets.get(name, "")]) + " |")
        return "\n".join(lines)
