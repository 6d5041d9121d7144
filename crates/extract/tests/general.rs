//! The general method on page shapes it met in the wild: each test is a small hand-written page of
//! one shape (the shapes came from where it lost text on the WCXB development set).

use jinan_extract::{extract, Hints};

fn body_of(html: &str, url: &str) -> String {
    extract(html.as_bytes(), url, &Hints::default())
        .expect("an HTML page")
        .body
}

/// How many times [`PARA`] is in `body`.
fn paras(body: &str) -> usize {
    body.matches("long enough to be the text").count()
}

const PARA: &str = "This paragraph is long enough to be the text of an article, with a comma, \
                    and a second clause that a reader would read to the end.";

#[test]
fn an_image_zoom_widget_does_not_make_a_shop_page_hanweb() {
    // `.zoom` is also Hanweb's body container; alone on another host it is a product image widget.
    let html = format!(
        "<html><head><title>Jacket | Shop</title></head><body><nav><a href=/>Home</a></nav>\
         <div class=gallery><div class=\"zoom\"></div><img src=j.jpg></div>\
         <div class=description><h1>Jacket</h1><p>{PARA}</p><p>{PARA}</p></div></body></html>"
    );
    let body = body_of(&html, "https://shop.example.com/jacket.html");
    assert!(body.contains("long enough to be the text"), "{body}");
}

#[test]
fn the_winning_text_survives_a_wider_main_root() {
    // The post sits in a `<header>` section of `<main>` beside a big link block; the `<main>` root
    // must not drop the element that holds the winner.
    let links: String = (0..40)
        .map(|i| format!("<a href=/p{i}>Another story number {i}</a> "))
        .collect();
    let html = format!(
        "<html><body><main><header class=section-blog><div class=wrap><h1>Title</h1>\
         <div class=rich-text><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>\
         <div class=more>{links}</div></div></header></main></body></html>"
    );
    let body = body_of(&html, "https://blog.example.com/post");
    assert_eq!(paras(&body), 3, "{body}");
    assert!(!body.contains("Another story"), "{body}");
}

#[test]
fn a_weak_name_on_the_whole_post_is_not_furniture() {
    // Drupal names every field `field--label-hidden`: here it wraps the whole post.
    let html = format!(
        "<html><body><div class=node><div class=\"field field--label-hidden\">\
         <p>{PARA}</p><p>{PARA}</p></div><div class=\"field field--label-hidden\">Tags</div>\
         </div></body></html>"
    );
    let body = body_of(&html, "https://site.example.org/node/1");
    assert_eq!(paras(&body), 2, "{body}");
}

#[test]
fn a_crawler_view_in_noscript_is_read_and_a_pixel_is_not() {
    // Forums built by script put every post in `<noscript>` for readers without JavaScript.
    let posts: String = (0..6)
        .map(|i| format!("<div class=post><p>Post {i}. {PARA}</p></div>"))
        .collect();
    let html = format!(
        "<html><head><noscript><img src=pixel.gif></noscript><title>Topic</title></head><body>\
         <noscript>Please enable JavaScript to use this site.</noscript><div id=app></div>\
         <noscript data-path=/t/1><div id=main-outlet role=main>{posts}</div></noscript>\
         </body></html>"
    );
    let body = body_of(&html, "https://forum.example.com/t/1");
    for i in 0..6 {
        assert!(body.contains(&format!("Post {i}.")), "{body}");
    }
    assert!(!body.contains("enable JavaScript"), "{body}");
}

#[test]
fn a_listing_gives_its_items_and_not_its_menus() {
    // No paragraph wins on a page of short items: the main region is read, its item-title links
    // kept, its menu of short words left out.
    let items: String = (0..12)
        .map(|i| {
            format!(
                "<li><h3><a href=/jobs/{i}>Senior engineer for the bridge team {i}</a></h3>\
                 <span>Remote, full time</span></li>"
            )
        })
        .collect();
    let html = format!(
        "<html><body><header><ul class=menu><li><a href=/>Home</a><li><a href=/a>About</a>\
         <li><a href=/c>Contact</a></ul></header><main><h1>Open positions</h1><ul>{items}</ul>\
         </main><footer>All rights reserved by the company</footer></body></html>"
    );
    let body = body_of(&html, "https://jobs.example.com/");
    for i in 0..12 {
        assert!(body.contains(&format!("for the bridge team {i}")), "{body}");
    }
    assert!(body.contains("Remote, full time"), "{body}");
    assert!(
        !body.contains("About") && !body.contains("rights reserved"),
        "{body}"
    );
}

#[test]
fn a_short_article_is_not_widened_to_the_whole_page() {
    // Two real paragraphs and no marked main region: the pick stands, the page's lists stay out.
    let related: String = (0..60)
        .map(|i| format!("<li><a href=/s{i}>A related story with a long headline {i}</a></li>"))
        .collect();
    let html = format!(
        "<html><body><div class=story><h1>Short news</h1><p>{PARA} {PARA}</p><p>{PARA} {PARA}</p></div>\
         <div class=more><ul>{related}</ul></div></body></html>"
    );
    let body = body_of(&html, "https://news.example.com/short");
    assert_eq!(paras(&body), 4, "{body}");
    assert!(!body.contains("related story"), "{body}");
}

#[test]
fn an_article_cut_into_page_builder_modules_is_read_whole() {
    // One module per section, each nested deep in its own row: the best module alone is a
    // fraction of the article.
    let module = |i: usize| {
        format!(
            "<div class=row><div class=column><div class=module><div class=blurb>\
             <h2>Section {i}</h2><p>{PARA} {PARA}</p><p>{PARA} {PARA}</p></div></div></div></div>"
        )
    };
    let sections: String = (0..5).map(module).collect();
    let html = format!(
        "<html><body><div class=menu><a href=/>Home</a> <a href=/b>Blog</a></div>\
         <div class=builder><div class=inner>{sections}</div></div></body></html>"
    );
    let body = body_of(&html, "https://builder.example.com/post");
    for i in 0..5 {
        assert!(body.contains(&format!("Section {i}")), "{body}");
    }
    assert!(!body.contains("Blog"), "{body}");
}

#[test]
fn title_and_date_of_a_general_page() {
    let html = format!(
        "<html><head><title>Mesh Office Chair | NBF</title></head><body><h1>Office chairs</h1>\
         <div class=post><time datetime=\"2023-09-01T18:27:56Z\">Sept 1</time>\
         <p>{PARA}</p><p>{PARA}</p></div></body></html>"
    );
    let a = extract(
        html.as_bytes(),
        "https://shop.example.com/chair",
        &Hints::default(),
    )
    .expect("an HTML page");
    assert_eq!(a.title, "Mesh Office Chair");
    assert_eq!(a.date.map(|d| d.to_string()).as_deref(), Some("2023-09-01"));
}

#[test]
fn a_streamed_boundary_is_the_page_not_hidden() {
    // Streamed server rendering sends the content in a hidden boundary that a script moves into
    // place; the boundary's text is the page's. Another hidden element stays hidden.
    let html = format!(
        "<html><body><template id=\"B:1\"></template><div hidden>Not shown at all.</div>\
         <div hidden id=\"S:1\"><article><h1>Title</h1><p>{PARA}</p><p>{PARA}</p></article></div>\
         </body></html>"
    );
    let body = body_of(&html, "https://app.example.com/post");
    assert_eq!(paras(&body), 2, "{body}");
    assert!(!body.contains("Not shown"), "{body}");
    // A hidden element whose id only looks like one stays hidden.
    let html = format!(
        "<html><body><p>{PARA}</p><div hidden id=\"S:x\"><p>Secret text of a dialog.</p></div>\
         </body></html>"
    );
    let body = body_of(&html, "https://app.example.com/post");
    assert!(!body.contains("Secret"), "{body}");
}

/// A reference page cut into titled sections of one template (`sect1`, as AsciiDoc, Sphinx and
/// many service sites write them), with `nav` links beside it. The longest section wins alone.
fn sectioned_page(section: &str, heading: &str) -> String {
    let opt =
        |name: &str| format!("<dt>--{name}</dt><dd><p>The option {name}: {PARA} {PARA}</p></dd>");
    let options: String = [
        "all", "patch", "amend", "quiet", "verbose", "dry-run", "signoff", "reuse", "edit",
        "author", "date", "cleanup",
    ]
    .iter()
    .map(|n| opt(n))
    .collect();
    let sect = |title: &str, inner: &str| {
        format!(
            "<div class=\"{section}\"><{heading}>{title}</{heading}><div class=sectionbody>{inner}</div></div>"
        )
    };
    let para = |w: &str| format!("<div class=paragraph><p>{w} {PARA} {PARA}</p></div>");
    let menu: String = (0..30)
        .map(|i| format!("<li><a href=/docs/cmd{i}>command-{i}</a></li>"))
        .collect();
    format!(
        "<html><head><title>tool-commit Documentation</title></head><body>\
         <nav><ul>{menu}</ul></nav><div id=wrapper><div id=reference>{}{}{}{}</div></div>\
         <footer>Site footer text, all rights reserved by the project.</footer></body></html>",
        sect(
            "NAME",
            "<div class=paragraph><p>tool-commit - Record changes</p></div>"
        ),
        sect(
            "DESCRIPTION",
            &(para("Describing:") + &para("Continuing:") + &para("Then:"))
        ),
        sect(
            "OPTIONS",
            &format!("<div class=dlist><dl>{options}</dl></div>")
        ),
        sect(
            "EXAMPLES",
            &(para("Example one:")
                + &para("Example two:")
                + &para("Example three:")
                + &para("Example four:"))
        ),
    )
}

#[test]
fn a_page_of_titled_sections_of_one_template_is_read_whole() {
    let body = body_of(
        &sectioned_page("sect1", "h2"),
        "https://docs.example.org/tool-commit",
    );
    for want in [
        "The option amend",
        "Describing:",
        "Example three:",
        "EXAMPLES",
        "DESCRIPTION",
    ] {
        assert!(body.contains(want), "{want} missing: {body}");
    }
    assert!(!body.contains("command-3"), "{body}");
    assert!(!body.contains("all rights reserved"), "{body}");
}

#[test]
fn teaser_cards_with_linked_titles_are_not_sections_of_the_text() {
    // The article's block and the teaser blocks below it share a layout class; the teasers open
    // with a link, so they are not more sections of the article.
    let teaser = |i: usize| {
        format!(
            "<div class=box><h3><a href=/story{i}>Another story {i}</a></h3>\
             <p>Teaser {i}: {PARA}</p></div>"
        )
    };
    let teasers: String = (0..4).map(teaser).collect();
    let html = format!(
        "<html><body><div class=page><div class=box><h2>The article</h2><div class=body>\
         <p>{PARA}</p><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div></div>{teasers}</div>\
         </body></html>"
    );
    let body = body_of(&html, "https://news.example.com/2024/story");
    assert_eq!(paras(&body), 4, "{body}");
    assert!(!body.contains("Teaser"), "{body}");
}

#[test]
fn hidden_tab_panels_inside_the_text_are_read() {
    // An installation guide shows one system's steps and hides the others' until their tab is
    // clicked; a hidden dialog, and a hidden panel of `<main>` outside the text, stay out.
    let panel = |os: &str, hidden: &str| {
        format!(
            "<section role=tabpanel id=tab-{os} {hidden}><p>To install on {os}, {PARA}</p>\
             <pre>install-tool --{os}</pre></section>"
        )
    };
    let html = format!(
        "<html><body><main><div class=doc><h1>Install the tool</h1><p>{PARA}</p><p>{PARA}</p>\
         <div role=tablist><button>Windows</button><button>macOS</button></div>\
         <div class=tabs>{}{}{}</div><p>{PARA}</p>\
         <div hidden><p>Dialog text that a hidden popup would show, {PARA}</p></div></div>\
         <div class=about-us>{}{}</div></main></body></html>",
        panel("windows", ""),
        panel("macos", "hidden"),
        panel("linux", "hidden style=\"display:none\""),
        "<div role=tabpanel><p>Our mission: the shop's own story.</p></div>",
        "<div role=tabpanel hidden><p>Our passion: the shop's second story.</p></div>",
    );
    let body = body_of(&html, "https://docs.example.com/install");
    for want in ["on windows", "on macos", "on linux", "install-tool --macos"] {
        assert!(body.contains(want), "{want} missing: {body}");
    }
    assert!(!body.contains("Dialog text"), "{body}");
    assert!(!body.contains("second story"), "{body}");
}

#[test]
fn a_region_wrapped_whole_in_a_furniture_name_is_still_read() {
    // A service page of short items, all inside Drupal's `node--promoted` ("promoted to the front
    // page", not a promotion): read wide, the wrapper holds most of `<main>` and is kept.
    let items: String = (0..24)
        .map(|i| {
            format!(
                "<div class=item><h3>Service {i}</h3><p>We plan, build and run service {i}, \
                 end to end: the design, the building work, the testing, the hand-over and the \
                 support in the years after.</p></div>"
            )
        })
        .collect();
    let intro = "Our services for companies of every size, in every sector, from the first plan \
                 to the daily running of the system. "
        .repeat(6);
    let html = format!(
        "<html><body><nav><a href=/>Home</a><a href=/about>About</a></nav><main>\
         <div class=intro><p>{intro}</p></div>\
         <article class=\"node node--type-service node--promoted\">{items}</article></main>\
         <footer>Copyright notice of the company.</footer></body></html>"
    );
    let body = body_of(&html, "https://company.example.com/services");
    for want in ["Service 0", "service 7, end to end", "Service 23"] {
        assert!(body.contains(want), "{want} missing: {body}");
    }
    assert!(!body.contains("Copyright"), "{body}");
}

#[test]
fn a_dialog_closed_by_its_class_is_not_the_page() {
    // Bootstrap keeps `.modal` closed until a button opens it: its long form text is not what the
    // page shows, however well it scores.
    let legal = "Your personal data request is handled under the law of the state, with a reply \
                 within thirty days, and a copy of every record we hold about you.";
    let html = format!(
        "<html><body><div class=intro><h1>Data services</h1><p>{PARA}</p><p>{PARA}</p></div>\
         <div class=\"modal fade\" id=request><div class=modal-dialog><div class=modal-content>\
         <div class=modal-body><p>{legal}</p><p>{legal}</p><p>{legal}</p><p>{legal}</p>\
         </div></div></div></div></body></html>"
    );
    let body = body_of(&html, "https://company.example.com/data");
    assert_eq!(paras(&body), 2, "{body}");
    assert!(!body.contains("personal data request"), "{body}");
}

#[test]
fn a_consent_dialog_never_wins_when_names_are_not_trusted() {
    // A forum names its whole thread `comments`, so no container is trusted by name; the
    // cookie-preference centre beside it is still not the page.
    let post = |i: usize| format!("<div class=\"comment post\"><p>Reply {i}: {PARA}</p></div>");
    let posts: String = (0..3).map(post).collect();
    let cookie = "Cookies of this kind store your choices, with a record of consent, and help the \
                  site remember you between visits.";
    let html = format!(
        "<html><body><div class=\"topic comments\">{posts}</div>\
         <div id=onetrust-consent-sdk><div id=ot-pc-content><p>{cookie}</p><p>{cookie}</p>\
         <p>{cookie}</p><p>{cookie}</p><p>{cookie}</p></div></div></body></html>"
    );
    let body = body_of(&html, "https://forum.example.com/topic/1");
    assert!(body.contains("Reply 2:"), "{body}");
    assert!(!body.contains("record of consent"), "{body}");
}

#[test]
fn a_thread_inside_a_moderation_form_is_read() {
    // vBulletin and IPS wrap a thread's posts in the moderators' `<form>` (checkboxes to select
    // posts): the form is the thread, not a search box or a sign-up form.
    let post = |i: usize| {
        format!(
            "<li class=message><div class=userText><a href=/u{i}>member{i}</a></div>\
             <blockquote>Reply {i}: forums still matter, since people ask here.</blockquote>\
             </li>"
        )
    };
    let posts: String = (0..8).map(post).collect();
    let menu: String = (0..30)
        .map(|i| format!("<a href=/f{i}>Forum {i}</a> "))
        .collect();
    let html = format!(
        "<html><body><header>{menu}</header><div class=\"thread_view content\">\
         <div class=titlebar><h1>Do forums still have a role?</h1></div>\
         <form class=\"inlinemodform section\" action=/inline-mod><ol class=messageList>{posts}\
         </ol><input type=checkbox name=sel></form></div>\
         <footer>Copyright notice of the forum.</footer></body></html>"
    );
    let body = body_of(&html, "https://forums.example.com/threads/forums-role.1");
    for want in ["Reply 0:", "Reply 4:", "Reply 7:"] {
        assert!(body.contains(want), "{want} missing: {body}");
    }
    assert!(!body.contains("Copyright"), "{body}");
}

#[test]
fn a_page_wide_form_is_not_read_whole() {
    // ASP.NET WebForms wrap the whole page in one `<form>`: a short post must not give way to
    // everything in it, replies and menus alike.
    let reply = |i: usize| {
        format!(
            "<div class=reply><p>Reply {i}: thanks for this, it helped me a lot today.</p></div>"
        )
    };
    let replies: String = (0..30).map(reply).collect();
    let html = format!(
        "<html><body><form id=aspnetForm action=post.aspx><div class=head><a href=/>Home</a>\
         </div><div class=post><h1>A short note</h1><p>{PARA}</p><p>{PARA}</p></div>\
         <div class=comments>{replies}</div></form></body></html>"
    );
    let body = body_of(&html, "https://blog.example.com/post.aspx");
    assert!(body.contains("long enough to be the text"), "{body}");
    assert!(!body.contains("Reply 20:"), "{body}");
}

#[test]
fn a_bem_element_is_named_by_its_element_not_its_block() {
    // `entry__author` is the author box of the entry, not the entry: its block's content word does
    // not save it. `entry__summary` names nothing to leave out and stays the entry's text.
    let html = format!(
        "<html><body><article class=entry><h1>Lamps</h1>\
         <p class=entry__summary>A short summary of the lamps we tried, before the long part.</p>\
         <div class=entry__content><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div>\
         <div class=entry__author><p>Jane Roe writes about homes and gadgets for this site.</p>\
         </div></article></body></html>"
    );
    let body = body_of(&html, "https://blog.example.com/lamps");
    assert_eq!(paras(&body), 3, "{body}");
    assert!(body.contains("A short summary"), "{body}");
    assert!(!body.contains("Jane Roe"), "{body}");
}

#[test]
fn a_forum_posters_panel_is_not_the_thread() {
    // Each post carries its poster's panel (title, join date, message count) beside the message;
    // user reviews are what users wrote and stay.
    let post = |n: u32| {
        format!(
            "<article class=\"message message--post\"><div class=\"message-cell message-cell--user\">\
             <h4 class=message-name>poster{n}</h4><h5 class=userTitle>Well-known member</h5>\
             <dl class=pairs><dt>Joined</dt><dd>Mar 9, 2012</dd><dt>Messages</dt><dd>16,586</dd></dl>\
             </div><div class=\"message-cell message-cell--main\"><div class=bbWrapper>\
             <p>{PARA}</p></div></div></article>"
        )
    };
    let posts: String = (0..4).map(post).collect();
    let html = format!(
        "<html><body><div class=p-body><h1>A thread</h1><div class=block-body>{posts}</div>\
         </div></body></html>"
    );
    let body = body_of(&html, "https://forum.example.net/threads/a-thread.1/");
    assert_eq!(paras(&body), 4, "{body}");
    assert!(!body.contains("Well-known member"), "{body}");
    assert!(!body.contains("16,586"), "{body}");

    let review = |n: u32| {
        format!(
            "<div class=user-review><p class=user-review-title>Review {n}: it works</p>\
             <div class=user-review-content><p>{PARA}</p></div></div>"
        )
    };
    let reviews: String = (0..3).map(review).collect();
    let html = format!(
        "<html><body><article class=post><h1>A VPN</h1><div class=entry-content><p>{PARA}</p>\
         <p>{PARA}</p><div class=user-reviews>{reviews}</div></div></article></body></html>"
    );
    let body = body_of(&html, "https://reviews.example.com/a-vpn/");
    assert_eq!(paras(&body), 5, "{body}");
}

#[test]
fn sections_drawn_in_clipping_boxes_are_read() {
    // A service page whose bands are Tailwind sections that clip their overflow: `overflow-hidden`
    // says how a band is drawn, not that it is hidden. A band named `hidden` stays out.
    let band = |n: u32| {
        format!(
            "<section class=\"relative overflow-hidden py-12\"><div class=container>\
             <h2>Benefit number {n}</h2><p>{PARA}</p><p>{PARA}</p></div></section>"
        )
    };
    let bands: String = (0..4).map(band).collect();
    let html = format!(
        "<html><body><div class=page><section class=intro><h2>What we do</h2><p>{PARA}</p>\
         <p>{PARA}</p><p>{PARA}</p></section>{bands}<section class=hidden><h2>Unused band</h2>\
         <p>A band the page keeps out of sight, with a comma, and words nobody reads here.</p>\
         </section></div></body></html>"
    );
    let body = body_of(&html, "https://cloud.example.com/services/cdn");
    for n in 0..4 {
        assert!(body.contains(&format!("Benefit number {n}")), "{body}");
    }
    assert_eq!(paras(&body), 11, "{body}");
    assert!(!body.contains("Unused band"), "{body}");
}

#[test]
fn a_posters_signature_is_not_the_thread() {
    // Forums print each poster's signature under every post (`signature`, `message-signature`).
    let post = |n: u32| {
        format!(
            "<div class=post id=p{n}><div class=postbody><div class=content><p>{PARA}</p></div>\
             <div id=sig{n} class=signature>My rig: a home-built box with a quiet fan, and two \
             screens.</div></div></div>"
        )
    };
    let posts: String = (0..3).map(post).collect();
    let html = format!("<html><body><div id=page-body><h2>A topic</h2>{posts}</div></body></html>");
    let body = body_of(&html, "https://board.example.org/viewtopic.php?t=7");
    assert_eq!(paras(&body), 3, "{body}");
    assert!(!body.contains("My rig"), "{body}");
}

#[test]
fn reaction_counts_under_posts_are_not_text() {
    // A thread's posts each end in their counters (`7 Likes`, `1.2k views`); a sentence that
    // starts with a number stays.
    let post = |n: u32| {
        format!(
            "<div class=\"topic-body crawler-post\"><div class=post><p>{PARA}</p></div>\
             <div class=post-counters><span>{n} Likes</span></div><div>{n}4 reviews</div></div>"
        )
    };
    let posts: String = (2..5).map(post).collect();
    let html = format!(
        "<html><body><div id=main-outlet><h1>A topic</h1>{posts}<p>12 replies came in overnight, \
         with a comma, and most agreed.</p></div></body></html>"
    );
    let body = body_of(&html, "https://discuss.example.org/t/a-topic/12");
    assert_eq!(paras(&body), 3, "{body}");
    assert!(!body.contains("Likes"), "{body}");
    assert!(!body.contains("4 reviews"), "{body}");
    assert!(body.contains("12 replies came in overnight"), "{body}");
}

#[test]
fn customer_reviews_are_not_a_products_text() {
    // A page that declares a product: its customers' reviews are not its text. A review article
    // (it declares itself an article) keeps its review.
    let review = |n: u32| {
        format!(
            "<div class=customer-review><p>Review {n}: bought it for my studio, and it has worked \
             every day since then without a single fault, which I did not expect.</p></div>"
        )
    };
    let reviews: String = (0..4).map(review).collect();
    let page = |head: &str| {
        format!(
            "<html><head>{head}</head><body><div class=product><h1>Studio Microphone</h1>\
             <div class=description><p>{PARA}</p><p>{PARA}</p></div>\
             <div id=reviews class=product-reviews><h2>Customer reviews</h2>{reviews}</div>\
             </div></body></html>"
        )
    };
    let shop = page(
        "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", \
         \"@type\": \"Product\", \"name\": \"Studio Microphone\"}</script>",
    );
    let body = body_of(&shop, "https://shop.example.com/p/studio-microphone");
    assert_eq!(paras(&body), 2, "{body}");
    assert!(!body.contains("bought it for my studio"), "{body}");

    let article = page("<meta property=\"og:type\" content=\"article\">");
    let body = body_of(
        &article,
        "https://blog.example.com/studio-microphone-review",
    );
    assert!(body.contains("bought it for my studio"), "{body}");
}

#[test]
fn lone_furniture_lines_are_dropped() {
    // Lines that are furniture wherever they stand, left behind by the blocks they labelled.
    let html = format!(
        "<html><body><article class=post><h1>A post</h1><p>{PARA}</p><p>{PARA}</p>\
         <p><a href=#top>Back to top</a></p><div class=sharedaddy><h3>Like this:</h3></div>\
         <h3>Related posts</h3><p>Share on other sites</p><h4>You may also like</h4>\
         <p>Sponsored</p></article></body></html>"
    );
    let body = body_of(&html, "https://blog.example.com/a-post/");
    assert_eq!(paras(&body), 2, "{body}");
    for junk in [
        "Back to top",
        "Like this:",
        "Related posts",
        "Share on other sites",
        "You may also like",
        "Sponsored",
    ] {
        assert!(!body.contains(junk), "{junk}: {body}");
    }
}

#[test]
fn photo_captions_are_not_an_articles_text() {
    // A page that declares an article (by `og:type` or by JSON-LD, its `@type` a string or a
    // list, schema.org's kinds of news article and live blogs too): the caption and credit under a
    // photo are not its text. A numbered figure's caption (in several languages and spellings)
    // and the caption of code or a table are: the text refers to them. A page that declares no
    // article keeps every caption (a gallery, a catalogue).
    let page = |head: &str| {
        format!(
            "<html><head>{head}</head><body><article><h1>Spring water</h1><p>{PARA}</p>\
             <figure><img src=a.jpg><figcaption>Visitors at Baotu Spring on Sunday. \
             Photo by Li Ming</figcaption></figure>\
             <figure><img src=b.png><figcaption>Figure 2. Water levels by month</figcaption></figure>\
             <p>{PARA}</p>\
             <figure><table><tr><td>May</td><td>28.1 m</td></tr></table>\
             <figcaption>Levels measured at the spring</figcaption></figure>\
             <figure><pre><code>levels --month May</code></pre>\
             <figcaption>Asking for May's levels</figcaption></figure>\
             <figure><img src=c.jpg><div><figcaption>图3 趵突泉</figcaption></div></figure>\
             <figure><img src=d.jpg><figcaption>Fig.4: Spring flow in 2023</figcaption></figure>\
             <figure><img src=e.jpg><figcaption>Abbildung 5 Quellen</figcaption></figure>\
             <figure><img src=f.jpg><figcaption>图一 泉城广场</figcaption></figure>\
             <figure><img src=g.jpg><figcaption>Map of the old town</figcaption></figure>\
             <p>{PARA}</p></article></body></html>"
        )
    };
    let declared = [
        "<meta property=\"og:type\" content=\"article\">",
        "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", \"headline\": \"x\"}</script>",
        "<script type=\"application/ld+json\">{\"@type\": [\"BlogPosting\"], \"headline\": \"x\"}</script>",
        "<script type=\"application/ld+json\">{\"@type\": \"LiveBlogPosting\"}</script>",
        "<script type=\"application/ld+json\">{\"@type\": \"ReportageNewsArticle\"}</script>",
    ];
    for head in declared {
        let body = body_of(&page(head), "https://news.example.com/spring-water");
        assert_eq!(paras(&body), 3, "{head}: {body}");
        assert!(!body.contains("Photo by Li Ming"), "{head}: {body}");
        assert!(!body.contains("Map of the old town"), "{head}: {body}");
        for kept in [
            "Figure 2. Water levels",
            "Levels measured at the spring",
            "Asking for May's levels",
            "图3 趵突泉",
            "Fig.4: Spring flow",
            "Abbildung 5 Quellen",
            "图一 泉城广场",
        ] {
            assert!(body.contains(kept), "{head}: {kept} lost: {body}");
        }
    }
    for head in ["", "<meta property=\"og:type\" content=\"website\">"] {
        let body = body_of(&page(head), "https://photos.example.com/spring-water");
        assert!(body.contains("Photo by Li Ming"), "{head}: {body}");
    }
}

#[test]
fn captions_stay_in_a_hanweb_page_that_names_no_body_container() {
    // The site's own contract (SITE.md): the body keeps image captions and their credit. A
    // Hanweb page whose template names no body container is read by the general extractor; its
    // captions stay even when it declares an article, as the pages with a container keep theirs.
    let page = |metas: &str| {
        format!(
            "<html><head><meta property=\"og:type\" content=\"article\">{metas}</head><body>\
             <h1>Jinan hosts spring festival</h1><div class=\"info\">english.jinan.gov.cn \
             2024-03-05</div><div class=\"article-body\"><p>{PARA}</p>\
             <figure><img src=a.jpg><figcaption>Visitors at Baotu Spring. \
             [Photo/jinan.gov.cn]</figcaption></figure>\
             <div class=\"wp-caption\"><img src=b.jpg><p class=\"wp-caption-text\">Lanterns \
             along the moat. [Photo/jinan.gov.cn]</p></div><p>{PARA}</p><p>{PARA}</p></div>\
             <div class=\"footer\">Produced By 大汉网络 大汉版通发布系统</div></body></html>"
        )
    };
    let url = "http://english.jinan.gov.cn/art/2024/3/5/art_30173_2743600.html";
    for metas in [
        "<meta name=\"ArticleTitle\" content=\"Jinan hosts spring festival\">",
        "",
    ] {
        let body = body_of(&page(metas), url);
        for kept in ["Visitors at Baotu Spring", "Lanterns along the moat"] {
            assert!(body.contains(kept), "{metas:?}: {kept} lost: {body}");
        }
        assert!(!body.contains("大汉网络"), "{body}");
    }
    // The same page elsewhere, with none of Hanweb's marks, is a general article page.
    let body = body_of(
        &page("").replace("Produced By 大汉网络 大汉版通发布系统", ""),
        "https://news.example.com/spring",
    );
    assert!(!body.contains("Visitors at Baotu Spring"), "{body}");
}

#[test]
fn captions_named_by_their_class_are_photo_captions_too() {
    // Themes caption a photo without `figcaption`: WordPress's classic `wp-caption` box, a
    // `photo-caption` or `c-media__caption` beside the picture. On a page that declares an
    // article they go as a `figcaption` does. Kept: a numbered figure's caption, a table's own
    // `caption` element, a caption class with no picture beside it, a long block that only
    // borrows the class name, and every caption on a page that declares no article.
    let page = |head: &str, inner: &str| {
        format!(
            "<html><head>{head}</head><body><article><h1>Spring water</h1><p>{PARA}</p>\
             {inner}<p>{PARA}</p><p>{PARA}</p></article></body></html>"
        )
    };
    let article = "<meta property=\"og:type\" content=\"article\">";
    let photos = "<div class=\"wp-caption alignnone\"><img src=a.jpg>\
         <p class=\"wp-caption-text\">Visitors at Baotu Spring on Sunday. Photo by Li Ming</p></div>\
         <div class=\"media\"><picture><img src=b.jpg></picture>\
         <div class=\"photo-caption\">Divers clean the pool each spring</div></div>\
         <div><div><img src=c.jpg></div><div class=\"c-media__caption\">The old town at dusk</div></div>";
    let body = body_of(
        &page(article, photos),
        "https://news.example.com/spring-water",
    );
    for gone in [
        "Photo by Li Ming",
        "Divers clean the pool",
        "The old town at dusk",
    ] {
        assert!(!body.contains(gone), "{gone} kept: {body}");
    }
    assert_eq!(paras(&body), 3, "{body}");
    let body = body_of(&page("", photos), "https://photos.example.com/spring-water");
    for kept in [
        "Photo by Li Ming",
        "Divers clean the pool",
        "The old town at dusk",
    ] {
        assert!(
            body.contains(kept),
            "{kept} lost without an article: {body}"
        );
    }

    let notebook = "The levels below were read each morning at seven by the spring's keepers, who \
                    have kept the same notebook since 1959, and they are given here as read";
    let rest = ", in metres above the sea, without the corrections the water bureau later \
                applied to the older readings, so that they can be compared with the keepers' \
                own notes, which the museum beside the spring shows to visitors every day of the \
                year, together with the keepers' drawings of the pool in each season.";
    for (inner, kept) in [
        (
            "<div class=\"wp-caption\"><img src=e.png>\
             <p class=\"wp-caption-text\">Figure 6. Water levels by month</p></div>"
                .to_string(),
            "Figure 6. Water levels",
        ),
        (
            "<table><caption class=\"table-caption\">Levels at the spring</caption>\
             <tr><td><img src=i.png> May</td><td>28.1 m</td></tr></table>"
                .to_string(),
            "Levels at the spring",
        ),
        (
            "<p class=\"caption-note\">All times are Beijing time</p>".to_string(),
            "All times are Beijing time",
        ),
        (
            format!("<div><img src=f.jpg><p class=\"caption\">{notebook}{rest}</p></div>"),
            "kept the same notebook",
        ),
    ] {
        let body = body_of(
            &page(article, &inner),
            "https://news.example.com/spring-water",
        );
        assert!(body.contains(kept), "{kept} lost: {body}");
    }
    // The same block, as short as a caption, is one.
    let inner = format!("<div><img src=f.jpg><p class=\"caption\">{notebook}.</p></div>");
    let body = body_of(
        &page(article, &inner),
        "https://news.example.com/spring-water",
    );
    assert!(!body.contains("kept the same notebook"), "{body}");
}
