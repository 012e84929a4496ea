"""What the screens say, as pure functions over the values the services return.

No Qt here (an import-linter contract keeps it so): every sentence a window shows is built by
a function in this package and tested without a display. Rich text comes back escaped.
"""
