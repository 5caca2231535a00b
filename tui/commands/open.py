"""`nianbao [PATH ...]`: open the workbench."""

import os
import sys


def run(args):
    paths = args.paths or ["reports"]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print(f"nianbao：找不到 {'、'.join(missing)}", file=sys.stderr)
        return 2
    from tui.app.app import NianbaoApp

    app = NianbaoApp(paths, theme=args.theme)
    app.run()
    return app.return_code or 0
