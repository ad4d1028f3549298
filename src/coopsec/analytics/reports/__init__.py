"""Reports of the analytics: content built from the selectors (`parts`, `build`), written as
PDF (`pdf`) or as a workbook (`xlsx`)."""
