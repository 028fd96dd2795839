"""sapsmed: monitoring and evaluation of the ASEAN SAP SMED 2016-2025."""
