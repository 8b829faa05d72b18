"""Where an installed copy of the package finds its shared library.

In the source tree there is nothing to say: LIBRARY is None and the library
is named by the AUDITCHAIN_LIBRARY environment variable or found on the
system's library path. ``cmake --install`` replaces this file with one naming
the installed library by a path relative to the package's own folder, so an
installed tree can be moved as a whole.
"""

from typing import Optional

LIBRARY: Optional[str] = None
