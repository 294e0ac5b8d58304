"""Hand-written inputs to ariadne-codegen: the base client it copies and the plugins it runs.

Nothing here is imported at run time and the folder is left out of the wheel; the generated
package holds the copies that matter.
"""
