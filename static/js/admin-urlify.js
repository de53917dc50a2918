// Prepopulated slugs in the admin: Django's URLify drops Vietnamese letters it has no
// mapping for ("Sơn" -> "sn") and turns "đ" into "dj". Strip the marks first so
// "Bùi Thanh Sơn" gives bui-thanh-son and "Đà Nẵng" gives da-nang, as the models' own slugs
// do. Loaded after admin/js/urlify.js by templates/admin/change_form.html, and a file
// rather than an inline script because the Content-Security-Policy allows no inline script.
'use strict';
{
    const urlify = window.URLify;
    if (urlify) {
        window.URLify = function(s, numChars, allowUnicode) {
            if (!allowUnicode) {
                s = s.replace(/đ/g, 'd').replace(/Đ/g, 'D')
                    .normalize('NFD').replace(/[\u0300-\u036f]/g, '');
            }
            return urlify(s, numChars, allowUnicode);
        };
    }
}
