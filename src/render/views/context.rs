//! The template vocabulary: the typed values every template of a theme
//! sees, with English keys (the words readers see stay French in the
//! templates). Each template's own context lives beside the view that
//! makes it; `book/src/reference/theme.md` lists them all for theme authors.

use serde::Serialize;

use crate::config::{Class, PublicationDirector, School};
use crate::content::{Content, Document, Event, GalleryPhoto, Kind, Page};
use crate::dates::{Date, Time};
use crate::layout;

/// What every template sees as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteContext<'a> {
    /// The school's identity (`site.school.name` …).
    pub school: SchoolView<'a>,
    /// Path part of the base URL, with leading and trailing `/`: every link starts with it.
    pub base: &'a str,
    /// The main menu.
    pub menu: Vec<Link>,
    /// Every class, in the order of `ecole.yaml`.
    pub classes: Vec<ClassView<'a>>,
    /// The day of the build.
    pub today: Date,
    /// The directeur de la publication, in words (for the legal pages).
    pub publication_director: String,
    /// The school's colours (`site.colours.main`, `.dark`), when `ecole.yaml` gives them.
    pub colours: Option<ColoursView>,
}

/// The school's colours, `#rrggbb`.
#[derive(Debug, Clone, Serialize)]
pub struct ColoursView {
    /// Header, links, buttons.
    pub main: String,
    /// Menu bar, hovers.
    pub dark: String,
}

/// The school, as `ecole.yaml` describes it.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolView<'a> {
    pub name: &'a str,
    pub uai: &'a str,
    pub address: &'a str,
    pub postcode: &'a str,
    pub town: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub academy: &'a str,
    /// The circonscription.
    pub district: &'a str,
    /// The IEN of the circonscription.
    pub inspector: &'a str,
    /// The directeur·rice.
    pub head: &'a str,
    pub school_year: &'a str,
    pub host: HostView<'a>,
    pub accessibility: AccessibilityView<'a>,
    /// The académie's data protection officer, when given.
    pub dpo: Option<DpoView<'a>>,
}

/// The web host (mentions légales).
#[derive(Debug, Clone, Serialize)]
pub struct HostView<'a> {
    pub name: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
}

/// The accessibility statement.
#[derive(Debug, Clone, Serialize)]
pub struct AccessibilityView<'a> {
    /// « non conforme », « partiellement conforme » or « totalement conforme ».
    pub status: crate::config::AccessibilityStatus,
    pub date: Option<Date>,
    /// Contact for accessibility problems (the school's e-mail by default).
    pub contact: Option<&'a str>,
}

/// The data protection officer.
#[derive(Debug, Clone, Serialize)]
pub struct DpoView<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

/// A link inside the site: `{{ site.base }}{{ link.path }}`.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    /// Site path, without the base (`""` for the home page).
    pub path: String,
}

impl Link {
    /// A link titled `title` to `path`.
    pub fn new(title: impl Into<String>, path: impl Into<String>) -> Link {
        Link {
            title: title.into(),
            path: path.into(),
        }
    }
}

/// A class.
#[derive(Debug, Clone, Serialize)]
pub struct ClassView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub level: &'a str,
    pub teachers: &'a [String],
    /// Site path of the class's home (`classes/cm1/`).
    pub path: String,
}

impl<'a> ClassView<'a> {
    /// The view of `class`.
    pub fn of(class: &'a Class) -> ClassView<'a> {
        ClassView {
            id: &class.id,
            name: &class.name,
            level: &class.level,
            teachers: &class.teachers,
            path: layout::class(&class.id),
        }
    }
}

/// A page, a news item, a post, a cahier day or a resource list.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    pub path: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub date: Option<Date>,
    pub summary: &'a str,
    pub author: Option<&'a str>,
    /// The rendered HTML of its text (`{{ page.content | safe }}`).
    pub content: &'a str,
    /// A cahier day's homework.
    pub homework: Vec<HomeworkView<'a>>,
    /// A post's photos.
    pub gallery: &'a [GalleryPhoto],
    /// The picture shown beside it in lists: its first photo, if any.
    pub thumbnail: Option<Thumbnail<'a>>,
    /// It states that image rights were collected (`droit_image`).
    pub image_rights: bool,
}

/// A post's picture in a list (the images stage adds its widths).
#[derive(Debug, Clone, Serialize)]
pub struct Thumbnail<'a> {
    pub src: &'a str,
}

/// The first photo of a page: of its gallery, else of its text.
fn thumbnail(page: &Page) -> Option<Thumbnail<'_>> {
    if let Some(photo) = page.gallery.first() {
        return Some(Thumbnail { src: &photo.src });
    }
    let at = page.content.find("<img src=\"")? + "<img src=\"".len();
    let len = page.content[at..].find('"')?;
    Some(Thumbnail {
        src: &page.content[at..at + len],
    })
}

impl<'a> PageView<'a> {
    /// The view of `page`.
    pub fn of(page: &'a Page) -> PageView<'a> {
        PageView {
            path: &page.path,
            slug: &page.slug,
            title: &page.title,
            date: page.date,
            summary: &page.summary,
            author: page.author.as_deref(),
            content: &page.content,
            homework: page
                .homework
                .iter()
                .map(|h| HomeworkView {
                    due: h.due,
                    subject: &h.subject,
                    work: &h.work,
                })
                .collect(),
            gallery: &page.gallery,
            thumbnail: thumbnail(page),
            image_rights: page.image_rights,
        }
    }

    /// The views of `pages`.
    pub fn all(pages: &[&'a Page]) -> Vec<PageView<'a>> {
        pages.iter().map(|p| PageView::of(p)).collect()
    }
}

/// One piece of homework of a cahier day.
#[derive(Debug, Clone, Serialize)]
pub struct HomeworkView<'a> {
    /// Due date.
    pub due: Date,
    pub subject: &'a str,
    pub work: &'a str,
}

/// An event of an agenda.
#[derive(Debug, Clone, Serialize)]
pub struct EventView<'a> {
    pub title: &'a str,
    pub date: Date,
    pub end: Option<Date>,
    pub time: Option<&'a Time>,
    pub end_time: Option<&'a Time>,
    pub place: Option<&'a str>,
    pub description: Option<&'a str>,
    /// True when it is over.
    pub past: bool,
}

impl<'a> EventView<'a> {
    /// The view of `event` as of `today`.
    pub fn of(event: &'a Event, today: Date) -> EventView<'a> {
        EventView {
            title: &event.title,
            date: event.date,
            end: event.end,
            time: event.time.as_ref(),
            end_time: event.end_time.as_ref(),
            place: event.place.as_deref(),
            description: event.description.as_deref(),
            past: !super::is_upcoming(event, today),
        }
    }

    /// The views of `events` as of `today`.
    pub fn all(events: &[&'a Event], today: Date) -> Vec<EventView<'a>> {
        events.iter().map(|e| EventView::of(e, today)).collect()
    }
}

/// A document to download.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub path: &'a str,
    /// Size in bytes (`{{ d.size | taille }}`).
    pub size: u64,
}

impl<'a> DocumentView<'a> {
    /// The views of `documents`.
    pub fn all(documents: &[&'a Document]) -> Vec<DocumentView<'a>> {
        documents
            .iter()
            .map(|d| DocumentView {
                title: &d.title,
                description: d.description.as_deref(),
                path: &d.path,
                size: d.size,
            })
            .collect()
    }
}

/// The keys every page has besides its own context and `site`.
#[derive(Debug, Clone, Serialize)]
pub struct Frame<'a> {
    /// The page's own address (site path, without the base).
    pub path: &'a str,
    /// True on a page of a restricted area.
    pub restricted: bool,
    /// To whom the page is addressed, in words (« aux familles de la classe CM1 »).
    pub audience_label: String,
    /// Who may read it, as a short name (« CM1 »), for the preview banner.
    pub audience_name: String,
    /// True in `preau serve`.
    pub preview: bool,
}

/// The context of a page that has nothing of its own but a title
/// (`classes.html`, `404.html`, `search.html`).
#[derive(Debug, Clone, Serialize)]
pub struct TitleOnly<'a> {
    pub title: &'a str,
}

/// The site context of `school` as of `today`.
pub fn site<'a>(school: &'a School, content: &'a Content, today: Date) -> SiteContext<'a> {
    let f = &school.file;
    let publication_director = match f.publication_director {
        PublicationDirector::Directeur => format!("{}, directeur·rice de l'école", f.directeur),
        PublicationDirector::Ien => format!(
            "{}, inspecteur·rice de l'Éducation nationale de la circonscription {}",
            f.ien, f.circonscription
        ),
    };
    SiteContext {
        school: SchoolView {
            name: &f.name,
            uai: &f.uai,
            address: &f.address,
            postcode: &f.postal_code,
            town: &f.commune,
            phone: f.phone.as_deref(),
            email: f.email.as_deref(),
            academy: &f.academie,
            district: &f.circonscription,
            inspector: &f.ien,
            head: &f.directeur,
            school_year: &f.school_year,
            // Filled in from the commune when the school names none
            // (School::load reports it when neither does).
            host: f.host.as_ref().map_or(
                HostView {
                    name: "",
                    address: "",
                    phone: "",
                },
                |h| HostView {
                    name: &h.name,
                    address: &h.address,
                    phone: &h.phone,
                },
            ),
            accessibility: AccessibilityView {
                status: f.accessibility.status,
                date: f.accessibility.date,
                contact: f.accessibility.contact.as_deref().or(f.email.as_deref()),
            },
            dpo: f.dpo.as_ref().map(|d| DpoView {
                name: &d.name,
                email: &d.email,
            }),
        },
        base: &school.base_path,
        menu: menu(content),
        classes: school.class_list.iter().map(ClassView::of).collect(),
        today,
        publication_director,
        colours: f.colours.as_ref().map(|c| ColoursView {
            main: c.main_hex(),
            dark: c.dark_hex(),
        }),
    }
}

/// The main menu: the site's sections, the school's ordered public pages,
/// and the families' area when it has content.
fn menu(content: &Content) -> Vec<Link> {
    let mut menu = vec![
        Link::new("Accueil", ""),
        Link::new("Actualités", layout::NEWS),
        Link::new("Les classes", layout::CLASSES),
        Link::new("Agenda", layout::AGENDA),
        Link::new("Documents", layout::DOCUMENTS),
    ];
    let mut ordered: Vec<&Page> = content
        .of_kind(Kind::Page)
        .filter(|p| p.order.is_some() && !p.path.is_empty() && p.audience.is_public())
        .collect();
    ordered.sort_by_key(|p| (p.order, p.title.clone()));
    menu.extend(ordered.iter().map(|p| Link::new(&p.title, &p.path)));
    use crate::config::Audience;
    let has_families_area = content
        .pages
        .iter()
        .any(|p| p.audience == Audience::Families && p.class.is_none())
        || content
            .events
            .iter()
            .any(|e| e.audience == Audience::Families && e.class.is_none())
        || content
            .documents
            .iter()
            .any(|d| d.audience == Audience::Families);
    if has_families_area {
        menu.push(Link::new("Espace des familles", layout::FAMILIES));
    }
    menu
}
