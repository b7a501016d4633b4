/* Test-harness shim: message catalogs are not used (lc_messages = C), and
 * glibc's bindtextdomain deadlocks under a preloaded ASan runtime. */
char *bindtextdomain(const char *domainname, const char *dirname);
char *bind_textdomain_codeset(const char *domainname, const char *codeset);
char *bindtextdomain(const char *domainname, const char *dirname) { return (char *) dirname; }
char *bind_textdomain_codeset(const char *domainname, const char *codeset) { return (char *) codeset; }
