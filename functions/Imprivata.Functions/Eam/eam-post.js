// Entra's external method answer (form_post): submit the one form of the page at once.
document.forms[0].submit();
