"""Pure rules of rent income collection: no Qt, no SQL, no HTTP. Plain values in and out."""
