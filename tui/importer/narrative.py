"""Identity (agency, year, title) and the narrative sections 一, 五, 六 of a Source."""

import re

from tui.importer.labels import norm, squash

_TITLE = re.compile(r"^(?:关于)?(.*?)(\d{4})年(?:度)?(.*?年度报告)")
_BY = re.compile(r"本报告(?:是)?由(.+?)(?:办公室|办公厅|政务公开办公室|根据|依据|按照)")
_PERIOD = re.compile(r"统计期限?(?:为|是)?(?:自|从)?\s*(\d{4})\s*年\s*1\s*月\s*1\s*日")

# heading key → (numeral, words any of which the heading contains)
HEADINGS = (
    ("overview", "一", ("总体情况", "总体")),
    ("active", "二", ("主动公开",)),
    ("applications", "三", ("申请",)),
    ("appeals", "四", ("复议", "诉讼")),
    ("problems", "五", ("问题", "改进", "整改")),
    ("other", "六", ("其他", "事项")),
)
_NUMERAL = re.compile(r"^([一二三四五六])\s*[、.．,，]\s*")

TRADITIONAL = "開資訊請處據報務關縣區與會機於錄條決複議訴訟總計經結轉辦級數體國發類應書為這個們門問題進況實現規範單項間動產業網說對"
SIMPLIFIED = "开资讯请处据报务关县区与会机于录条决复议诉讼总计经结转办级数体国发类应书为这个们门问题进况实现规范单项间动产业网说对"


def is_traditional(texts):
    trad = set(TRADITIONAL) - set(SIMPLIFIED)
    simp = {s for t, s in zip(TRADITIONAL, SIMPLIFIED) if t != s}
    nt = ns = 0
    for text in texts:
        for ch in text:
            if ch in trad:
                nt += 1
            elif ch in simp:
                ns += 1
    return nt >= 10 and nt > 2 * ns


def identity(source):
    """{'agency', 'year', 'title', 'agency_raw'} from the title and the opening lines (values may be None)."""
    candidates = []
    head = []
    for line in source.lines[:8]:
        if _NUMERAL.match(line.strip()):
            break
        head.append(line.strip())
        candidates.append("".join(head))
    if source.title:
        # A web page's <title> is its title; a Word file's title property is
        # often left over from the template, so the printed lines come first.
        candidates.insert(0 if source.kind == "html" else len(candidates), source.title)
    out = {"agency": None, "year": None, "title": None, "agency_raw": None}
    for cand in candidates:
        m = _TITLE.search(re.sub(r"\s+", "", cand))
        if m and m.group(1):
            agency = m.group(1).strip("《》“”\"'：:（(")
            if agency:
                out.update(agency=agency, year=int(m.group(2)), title=m.group(0))
                break
    text = "".join(source.lines[:40])
    compact = re.sub(r"\s+", "", text)
    if out["agency"]:
        m = _BY.search(compact)
        if m and m.group(1) != out["agency"] and m.group(1).endswith(out["agency"]) and len(m.group(1)) <= 40:
            out["agency_raw"] = m.group(0)
            out["agency"] = m.group(1)
    if out["year"] is None:
        m = _PERIOD.search(text)
        if m:
            out["year"] = int(m.group(1))
    return out


def sections(source, form):
    """({text key: narrative}, {text key: heading as printed when it was not the form's})."""
    starts = []
    want = 0
    lines = source.lines
    for i, line in enumerate(lines):
        s = line.strip()
        m = _NUMERAL.match(s)
        if not m:
            continue
        for j in range(want, len(HEADINGS)):
            key, numeral, words = HEADINGS[j]
            if m.group(1) == numeral and any(w in s[:40] for w in words):
                starts.append((i, key, s))
                want = j + 1
                break
    out, guessed = {}, {}
    labels = {key: norm(label) for key, label in form.text_keys}
    for n, (i, key, heading) in enumerate(starts):
        if key not in labels:
            continue
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        printed = _heading_of(heading, form, key)
        rest = heading[len(printed):].strip() if heading.startswith(printed) else ""
        body = [rest] if rest else []
        body += [squash(line) for line in lines[i + 1:end]]
        text = "".join(b for b in body if b)
        out[key] = text
        if norm(printed) != labels[key]:
            guessed[key] = printed
    return out, guessed


def _heading_of(line, form, key):
    """The heading part of a heading line (the rest may be body text on the same line)."""
    label = dict(form.text_keys)[key]
    if norm(line).startswith(norm(label)):
        # consume characters until the normalised prefix equals the label
        target = norm(label)
        for k in range(1, len(line) + 1):
            if norm(line[:k]) == target:
                return line[:k]
    if len(line) <= 40 and not any(p in line for p in "。；;"):
        return line  # a heading on its own line
    m = re.match(r"^[一二三四五六]\s*[、.．,，][^。；;，,]{0,30}(?:情况|事项|措施|问题)", line)
    if m:
        return m.group(0)
    return line if len(line) <= 40 else line[:40]
