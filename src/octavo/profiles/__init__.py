"""The CMYK output profile Octavo ships for print PDFs (see LICENSE in this folder)."""
