// The system's SQLite (Debian: libsqlite3-dev), linked directly: Tocsin keeps its own statement cache over it.
#include <sqlite3.h>
