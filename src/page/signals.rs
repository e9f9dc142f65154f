//! Signs that what was fetched is not the cited page: an error page, a bot challenge, a sign-in
//! form or a subscription wall. Every phrase list lives here.
//!
//! The signals are conservative: a phrase counts only when it makes up most of a page's title
//! or main heading (an article that mentions "404" or "captcha" in a sentence, or even in its
//! headline, is not flagged); raw-markup markers count only when they are specific to a
//! challenge page, not to the scripts the same vendors put on every normal page.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::title::segments;
#[cfg(test)]
use super::title::split_site;
use crate::matching::normalize::{is_unspaced_script, normalize};

/// What the fetched page looks like, when it is not an ordinary page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSignals {
    /// The title or main heading says the page is not there ("Page not found", "404",
    /// "Page introuvable", "صفحہ نہیں ملا", "页面不存在" …).
    pub not_found: bool,
    /// A bot check stands in front of the page (Cloudflare, DataDome, PerimeterX, Akamai,
    /// Imperva, a CAPTCHA, "Access denied").
    pub challenge: bool,
    /// The page is a sign-in form.
    pub login: bool,
    /// The page is a subscription wall (its title or main heading asks to subscribe).
    pub paywall: bool,
}

/// Titles and headings of error pages. Each is normalised before use.
const NOT_FOUND: &[&str] = &[
    // English
    "page not found",
    "404 not found",
    "not found",
    "error 404",
    "404 error",
    "404 page",
    "404",
    "page cannot be found",
    "page can't be found",
    "page could not be found",
    "page you requested could not be found",
    "the page you are looking for",
    "the page you were looking for",
    "page you're looking for",
    "page unavailable",
    "page not available",
    "page is not available",
    "page is no longer available",
    "article is no longer available",
    "content is no longer available",
    "story is no longer available",
    "no longer available",
    "content not found",
    "article not found",
    "story not found",
    "page does not exist",
    "page doesn't exist",
    "article does not exist",
    "content does not exist",
    "this page has been removed",
    "file not found",
    "resource not found",
    "nothing found",
    "we can't find that page",
    "we couldn't find that page",
    "sorry we couldn't find that page",
    "page missing",
    "oops page not found",
    "error page",
    "content unavailable",
    "article unavailable",
    "link not found",
    // French
    "page introuvable",
    "page non trouvée",
    "erreur 404",
    "cette page n'existe pas",
    "la page n'existe pas",
    "page inexistante",
    "page non disponible",
    "contenu introuvable",
    "article introuvable",
    // Spanish
    "página no encontrada",
    "no se ha encontrado la página",
    "no se encontró la página",
    "la página no existe",
    "página no disponible",
    "página inexistente",
    "contenido no encontrado",
    "error 404 página no encontrada",
    // German
    "seite nicht gefunden",
    "fehler 404",
    "seite existiert nicht",
    "die seite wurde nicht gefunden",
    "seite konnte nicht gefunden werden",
    "seite nicht verfügbar",
    "inhalt nicht gefunden",
    "artikel nicht gefunden",
    // Portuguese
    "página não encontrada",
    "erro 404",
    "página não existe",
    "página indisponível",
    "conteúdo não encontrado",
    // Italian
    "pagina non trovata",
    "errore 404",
    "pagina non esiste",
    "la pagina non esiste",
    "pagina non disponibile",
    "pagina inesistente",
    // Dutch, Polish, Indonesian
    "pagina niet gevonden",
    "nie znaleziono strony",
    "strona nie istnieje",
    "halaman tidak ditemukan",
    // Arabic
    "الصفحة غير موجودة",
    "لم يتم العثور على الصفحة",
    "الصفحة المطلوبة غير موجودة",
    "خطأ 404",
    "الصفحة غير متوفرة",
    "عذرا الصفحة غير موجودة",
    // Urdu
    "صفحہ نہیں ملا",
    "صفحہ موجود نہیں",
    "صفحہ موجود نہیں ہے",
    "صفحہ دستیاب نہیں",
    "صفحہ نہیں مل سکا",
    "خرابی 404",
    // Persian
    "صفحه پیدا نشد",
    "صفحه مورد نظر یافت نشد",
    "خطای 404",
    // Russian
    "страница не найдена",
    "ошибка 404",
    "страница не существует",
    "страница недоступна",
    "запрашиваемая страница не найдена",
    // Chinese, Japanese, Korean
    "页面不存在",
    "页面未找到",
    "找不到页面",
    "找不到网页",
    "网页不存在",
    "页面找不到了",
    "頁面不存在",
    "找不到頁面",
    "網頁不存在",
    "找不到網頁",
    "404错误",
    "错误404",
    "ページが見つかりません",
    "お探しのページは見つかりませんでした",
    "페이지를 찾을 수 없습니다",
    // Turkish
    "sayfa bulunamadı",
    "aradığınız sayfa bulunamadı",
    "hata 404",
    "404 hatası",
    "sayfa mevcut değil",
    // Hindi
    "पृष्ठ नहीं मिला",
    "पेज नहीं मिला",
];

/// Titles and headings of bot checks.
const CHALLENGE_TITLES: &[&str] = &[
    "just a moment",
    "attention required",
    "attention required cloudflare",
    "one more step",
    "checking your browser",
    "please wait while we verify",
    "verifying you are human",
    "verify you are human",
    "are you a robot",
    "are you a human",
    "are you human",
    "human verification",
    "bot verification",
    "robot check",
    "security check",
    "security verification",
    "captcha",
    "captcha challenge",
    "access denied",
    "access to this page has been denied",
    "you have been blocked",
    "pardon our interruption",
    "request unsuccessful",
    "ddos guard",
    "ddos protection by cloudflare",
    "please enable cookies",
    "please enable js and disable any ad blocker",
    "vérification de sécurité",
    "verificación de seguridad",
    "sicherheitsüberprüfung",
    "проверка безопасности",
    "安全验证",
    "人机验证",
];

/// Markup found only on challenge pages (not the scripts the same vendors load on every page).
const CHALLENGE_MARKERS: &[&str] = &[
    "_cf_chl_opt",
    "cf-browser-verification",
    "/orchestrate/chl_page/",
    "/orchestrate/managed/",
    "/orchestrate/jsch/",
    "cf_captcha_kind",
    "cf-challenge-running",
    "captcha-delivery.com",
    "id=\"px-captcha\"",
    "Incapsula incident ID",
    "window.gokuProps",
    "/_sec/cp_challenge/",
    "sec-if-cpt",
    "ddos-guard.net/",
    "hcdn.ddos-guard",
];

/// Visible text of challenge pages; read only on small pages that declare no article.
const CHALLENGE_TEXT: &[&str] = &[
    "checking your browser before accessing",
    "enable javascript and cookies to continue",
    "verifying you are human",
    "verify you are human",
    "please complete the security check",
    "why have i been blocked",
    "press and hold",
    "we need to make sure that you are not a robot",
    "our systems have detected unusual traffic",
    "please verify you are a human",
    "are you a robot",
];

/// Titles and headings of sign-in pages.
const LOGIN: &[&str] = &[
    "sign in",
    "log in",
    "login",
    "sign into your account",
    "log into your account",
    "sign in to your account",
    "log in to your account",
    "sign in to continue",
    "log in to continue",
    "member login",
    "user login",
    "account login",
    "subscriber login",
    "connexion",
    "se connecter",
    "identifiez vous",
    "iniciar sesión",
    "inicia sesión",
    "anmelden",
    "anmeldung",
    "einloggen",
    "entrar",
    "fazer login",
    "accedi",
    "войти",
    "вход",
    "登录",
    "登入",
    "ログイン",
    "로그인",
    "giriş yap",
    "oturum aç",
    "تسجيل الدخول",
    "لاگ ان",
    "ورود",
];

/// Titles and headings of subscription walls.
const PAYWALL: &[&str] = &[
    "subscribe to continue reading",
    "subscribe to read",
    "subscribe to continue",
    "subscribe to read more",
    "subscribers only",
    "for subscribers only",
    "this content is for subscribers only",
    "subscriber only content",
    "subscriber exclusive",
    "exclusive for subscribers",
    "subscription required",
    "you have reached your article limit",
    "you've reached your free article limit",
    "you have reached your limit of free articles",
    "become a subscriber",
    "sign up to read",
    "register to continue reading",
    "continue reading with a subscription",
    "unlock this article",
    "subscribe now to read",
    "premium content",
    "réservé aux abonnés",
    "abonnez vous",
    "contenido exclusivo para suscriptores",
    "solo para suscriptores",
    "nur für abonnenten",
    "jetzt abonnieren",
    "conteúdo exclusivo para assinantes",
    "exclusivo para assinantes",
    "riservato agli abbonati",
    "только для подписчиков",
    "仅限订阅用户",
    "会員限定",
];

/// How much of a title or heading a phrase must make up to count.
const MIN_COVER: f64 = 0.5;
/// Pages with fewer visible words than this are small enough to read for challenge text.
const SMALL_PAGE_WORDS: usize = 120;
/// A password field on a page with fewer visible words than this is a sign-in form.
const LOGIN_PAGE_WORDS: usize = 250;
/// The largest number of visible words the signals compare with: past it, how many more there
/// are changes nothing (the page scan stops counting).
pub(crate) const WORDS_COMPARED: usize = LOGIN_PAGE_WORDS;
const _: () = assert!(SMALL_PAGE_WORDS <= WORDS_COMPARED);

/// What the signals are computed from.
pub(crate) struct Evidence<'a> {
    pub title: Option<&'a str>,
    pub h1: Option<&'a str>,
    pub headings: &'a [String],
    pub text: &'a str,
    pub words: usize,
    pub password_inputs: usize,
    /// The page declares itself an article (JSON-LD work, `citation_title`, `og:type`).
    pub is_article: bool,
    /// Read by `compute` (in tests) to split the site name off the title (`extract` passes the title
    /// it has already split to [`compute_with_main`]).
    #[cfg_attr(not(test), allow(dead_code))]
    pub sites: &'a [&'a str],
    #[cfg_attr(not(test), allow(dead_code))]
    pub host: Option<&'a str>,
    pub html: &'a str,
}

#[cfg(test)]
pub(crate) fn compute(e: &Evidence<'_>) -> PageSignals {
    let main = e.title.and_then(|t| split_site(t, e.sites, e.host));
    compute_with_main(e, main.as_deref())
}

/// `compute`, given the title with its site name split off (`split_site` of the title, which
/// the caller has already worked out for the title candidates).
pub(crate) fn compute_with_main(e: &Evidence<'_>, title_main: Option<&str>) -> PageSignals {
    let mut heads: Vec<&str> = Vec::new();
    if let Some(t) = e.title {
        heads.push(title_main.unwrap_or(t));
        // "404 | Site": any one segment of the title may be the whole message.
        heads.extend(segments(t).into_iter().map(|(_, s)| s));
    }
    // Error pages often have no <h1>; on a small page that is not an article, the first
    // heading says what it is (on a large page it may be a menu's "Log in").
    let fallback =
        (e.words < LOGIN_PAGE_WORDS && !e.is_article).then(|| e.headings.first().map(String::as_str)).flatten();
    if let Some(h) = e.h1.or(fallback) {
        heads.push(h);
    }
    // Each distinct head is normalised once ("Title | Site" gives the title twice).
    let mut seen: Vec<&str> = Vec::with_capacity(heads.len());
    let mut norm: Vec<Text> = Vec::with_capacity(heads.len());
    for h in heads {
        if !seen.contains(&h) {
            seen.push(h);
            norm.extend(Text::new(&normalize(h)));
        }
    }
    let says = |list: &'static OnceLock<Vec<Phrase>>, phrases: &[&str]| {
        let phrases = list.get_or_init(|| prepare(phrases));
        norm.iter().any(|h| phrases.iter().any(|p| covers(h, p)))
    };
    static NF: OnceLock<Vec<Phrase>> = OnceLock::new();
    static CH: OnceLock<Vec<Phrase>> = OnceLock::new();
    static CT: OnceLock<Vec<Phrase>> = OnceLock::new();
    static LI: OnceLock<Vec<Phrase>> = OnceLock::new();
    static PW: OnceLock<Vec<Phrase>> = OnceLock::new();
    // One pass over the page for all the markers (the regex engine searches for many literals
    // at once), not one pass per marker.
    static MARKERS: OnceLock<Option<regex::bytes::Regex>> = OnceLock::new();

    let small = e.words < SMALL_PAGE_WORDS && !e.is_article;
    let challenge = says(&CH, CHALLENGE_TITLES)
        || match MARKERS.get_or_init(|| {
            let alternatives: Vec<String> = CHALLENGE_MARKERS.iter().map(|m| regex::escape(m)).collect();
            regex::bytes::Regex::new(&alternatives.join("|")).ok()
        }) {
            Some(markers) => markers.is_match(e.html.as_bytes()),
            None => CHALLENGE_MARKERS.iter().any(|m| e.html.contains(m)),
        }
        || (small
            && Text::new(&normalize(e.text))
                .is_some_and(|text| CT.get_or_init(|| prepare(CHALLENGE_TEXT)).iter().any(|p| text.contains(p))));
    let login = says(&LI, LOGIN) || (e.password_inputs > 0 && e.words < LOGIN_PAGE_WORDS && !e.is_article);
    PageSignals { not_found: says(&NF, NOT_FOUND), challenge, login, paywall: says(&PW, PAYWALL) }
}

/// Normalised text, padded with a space at each end so that a padded phrase matches it as
/// whole words, with the length [`covers`] compares.
struct Text {
    padded: String,
    /// Characters other than spaces.
    len: usize,
}

impl Text {
    /// `None` for empty text (nothing can match it).
    fn new(normalised: &str) -> Option<Text> {
        (!normalised.is_empty()).then(|| Text { padded: format!(" {normalised} "), len: len(normalised) })
    }

    /// The phrase occurs in the text as whole words (anywhere, for scripts written without
    /// spaces).
    fn contains(&self, p: &Phrase) -> bool {
        if p.unspaced { self.padded.contains(p.bare()) } else { self.padded.contains(p.padded.as_str()) }
    }
}

/// A normalised phrase, prepared once: padded like [`Text`], its length, and whether it is
/// written in a script without spaces.
struct Phrase {
    padded: String,
    len: usize,
    unspaced: bool,
}

impl Phrase {
    fn bare(&self) -> &str {
        &self.padded[1..self.padded.len() - 1]
    }
}

fn prepare(phrases: &[&str]) -> Vec<Phrase> {
    phrases
        .iter()
        .map(|p| normalize(p))
        .filter(|p| !p.is_empty())
        .map(|p| Phrase { len: len(&p), unspaced: p.chars().any(is_unspaced_script), padded: format!(" {p} ") })
        .collect()
}

/// Characters other than spaces.
fn len(s: &str) -> usize {
    s.chars().filter(|c| *c != ' ').count()
}

/// `phrase` occurs in `text` as whole words and makes up at least [`MIN_COVER`] of it (the
/// cheap length test first: most phrases are far too short for a given title).
fn covers(text: &Text, phrase: &Phrase) -> bool {
    phrase.len as f64 >= MIN_COVER * text.len as f64 && text.contains(phrase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(title: &str, h1: Option<&str>) -> PageSignals {
        compute(&Evidence {
            title: Some(title),
            h1,
            headings: &[],
            text: "",
            words: 1000,
            password_inputs: 0,
            is_article: false,
            sites: &[],
            host: Some("www.dawn.com"),
            html: "",
        })
    }

    #[test]
    fn error_pages_are_not_found() {
        for t in [
            "404 - Page Not Found | DAWN.COM",
            "Page not found",
            "404",
            "Not Found",
            "Error 404 | Dawn",
            "Oops! That page can’t be found. – The Nation",
            "Page introuvable",
            "Página no encontrada",
            "Seite nicht gefunden",
            "Página não encontrada",
            "Pagina non trovata",
            "الصفحة غير موجودة",
            "صفحہ نہیں ملا - ڈان نیوز",
            "Страница не найдена",
            "页面不存在",
            "Sayfa bulunamadı",
            "The page you are looking for doesn't exist",
        ] {
            assert!(signals(t, None).not_found, "{t}");
        }
        assert!(signals("DAWN.COM", Some("Sorry, the page you requested could not be found")).not_found);
    }

    #[test]
    fn articles_mentioning_errors_are_not_flagged() {
        for t in [
            "Peace and progress in Afghanistan necessary for regional stability: envoy - Pakistan - DAWN.COM",
            "Why 404 errors are costing publishers readers",
            "Error 404: the internet's forgotten pages and what they tell us",
            "Captcha tests are getting harder for humans, study finds",
            "Drug shortage: insulin no longer available in Karachi pharmacies",
            "How to log in to the new tax portal without losing your records",
        ] {
            assert_eq!(signals(t, None), PageSignals::default(), "{t}");
        }
    }

    #[test]
    fn challenges_are_recognised() {
        assert!(signals("Just a moment...", None).challenge);
        assert!(signals("Attention Required! | Cloudflare", None).challenge);
        assert!(signals("Access Denied", None).challenge);
        assert!(signals("Are you a robot?", None).challenge);
        let marked = |html: &str, words: usize, text: &str| {
            compute(&Evidence {
                title: Some("tribune.com.pk"),
                h1: None,
                headings: &[],
                text,
                words,
                password_inputs: 0,
                is_article: false,
                sites: &[],
                host: None,
                html,
            })
            .challenge
        };
        assert!(marked("<script>window._cf_chl_opt={}</script>", 3, ""));
        assert!(marked(r#"<script src="https://ct.captcha-delivery.com/c.js"></script>"#, 3, ""));
        assert!(marked("", 12, "Checking your browser before accessing tribune.com.pk."));
        // The detection script Cloudflare adds to every page is not a challenge.
        assert!(!marked("<script src=\"/cdn-cgi/challenge-platform/scripts/jsd/main.js\"></script>", 900, ""));
        assert!(!marked("", 900, "Readers are asked: are you a robot? The piece explores bots."));
    }

    #[test]
    fn sign_in_and_subscription_walls() {
        assert!(signals("Sign in | The Guardian", None).login);
        assert!(signals("Log In", None).login);
        assert!(signals("Connexion", None).login);
        assert!(signals("Subscribe to continue reading | The Express Tribune", None).paywall);
        assert!(signals("The Nation", Some("Subscribers only")).paywall);
        let form = compute(&Evidence {
            title: Some("Account"),
            h1: None,
            headings: &[],
            text: "Email Password Forgot?",
            words: 3,
            password_inputs: 1,
            is_article: false,
            sites: &[],
            host: None,
            html: "",
        });
        assert!(form.login && !form.not_found && !form.paywall && !form.challenge);
    }
}
