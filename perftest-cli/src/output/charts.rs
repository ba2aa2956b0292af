//! Line charts as inline SVG, drawn with plotters' SVG backend (no fonts, no bitmaps, no script):
//! a title, a legend row above the plot, axes with their units, a light grid.

use super::escape;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Size of a chart in SVG user units (the page scales it to its column).
pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 340;

const FONT: &str = "sans-serif";
/// plotters writes `font-size` as size / 1.24: these give about 18, 14 and 14 px.
const TITLE_SIZE: f64 = 22.0;
const LABEL_SIZE: f64 = 17.0;
const LEGEND_SIZE: f64 = 17.0;
const LEGEND_ROW: u32 = 22;

/// A colour: red, green, blue.
pub type Rgb = (u8, u8, u8);

/// Colours that stay apart from each other on white (Tableau 10).
pub const PALETTE: [Rgb; 8] = [
    (78, 121, 167),
    (242, 142, 43),
    (89, 161, 79),
    (176, 122, 161),
    (118, 183, 178),
    (237, 201, 72),
    (156, 117, 95),
    (255, 157, 167),
];
pub const RED: Rgb = (225, 87, 89);
pub const ORANGE: Rgb = (242, 142, 43);
pub const PURPLE: Rgb = (176, 122, 161);
pub const GREY: Rgb = (121, 112, 110);

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    Solid,
    /// A reference level (a percentile of the whole run).
    Dashed,
    /// Filled down to zero.
    Area,
}

/// One series of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub color: Rgb,
    pub stroke: Stroke,
}

/// A chart: what the axes mean and the series drawn on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The `id` of the `<svg>` element.
    pub id: String,
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    /// Where the x axis starts at the latest (0 for time since the start); else the data's first x.
    pub x_from: Option<f64>,
    pub lines: Vec<Line>,
}

/// The chart as an `<svg class="chart">` element with a `<title>`; a short paragraph when it cannot
/// be drawn.
pub fn render(chart: &Chart) -> String {
    let mut svg = String::new();
    let drawn = {
        let backend = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT));
        draw(chart, backend.into_drawing_area())
    };
    if let Err(e) = drawn {
        return format!(
            "<p class=\"note\">The chart {} could not be drawn: {}</p>\n",
            escape(&chart.title),
            escape(&e)
        );
    }
    let title = format!("<title id=\"{0}-title\">{1}</title>\n", escape(&chart.id), escape(&chart.title));
    let open =
        format!("<svg class=\"chart\" id=\"{0}\" role=\"img\" aria-labelledby=\"{0}-title\" ", escape(&chart.id));
    let svg = svg.replacen("<svg ", &open, 1);
    match svg.find(">\n") {
        Some(i) => format!("{}{title}{}", &svg[..i + 2], &svg[i + 2..]),
        None => svg,
    }
}

fn draw(chart: &Chart, root: DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let root = root.titled(&chart.title, (FONT, TITLE_SIZE).into_font().style(FontStyle::Bold)).map_err(|e| err(&e))?;
    let rows = legend_rows(chart);
    let (legend, plot) = root.split_vertically(rows.len() as u32 * LEGEND_ROW + 6);
    draw_legend(chart, &rows, &legend).map_err(|e| err(&e))?;

    let points = chart.lines.iter().flat_map(|l| l.points.iter().copied());
    let (mut x0, mut x1, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, 0.0f64);
    for (x, y) in points.filter(|(x, y)| x.is_finite() && y.is_finite()) {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    if !x0.is_finite() {
        (x0, x1) = (0.0, 1.0);
    }
    if let Some(from) = chart.x_from {
        x0 = x0.min(from);
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    let y1 = if y1 > 0.0 { y1 * 1.08 } else { 1.0 };

    let mut ctx = ChartBuilder::on(&plot)
        .margin_left(6)
        .margin_right(18)
        .margin_bottom(4)
        .x_label_area_size(48)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, 0.0..y1)
        .map_err(|e| err(&e))?;
    ctx.configure_mesh()
        .x_desc(chart.x_desc.as_str())
        .y_desc(chart.y_desc.as_str())
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .label_style((FONT, LABEL_SIZE))
        .axis_desc_style((FONT, LABEL_SIZE))
        .bold_line_style(RGBColor(228, 228, 228))
        .light_line_style(WHITE)
        .axis_style(RGBColor(90, 90, 90))
        .draw()
        .map_err(|e| err(&e))?;
    for line in &chart.lines {
        let color = rgb(line.color);
        let pts = line.points.iter().copied().filter(|(x, y)| x.is_finite() && y.is_finite());
        match line.stroke {
            Stroke::Solid => ctx.draw_series(LineSeries::new(pts, color.stroke_width(2))).map(drop),
            Stroke::Dashed => {
                ctx.draw_series(DashedLineSeries::new(pts.collect::<Vec<_>>(), 7, 5, color.stroke_width(2))).map(drop)
            }
            Stroke::Area => ctx
                .draw_series(AreaSeries::new(pts, 0.0, color.mix(0.25)).border_style(color.stroke_width(2)))
                .map(drop),
        }
        .map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))
}

/// The legend entries, in rows that fit the width: indices into `chart.lines`.
fn legend_rows(chart: &Chart) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut x = 0;
    for (i, line) in chart.lines.iter().enumerate() {
        let w = legend_entry_width(&line.label);
        if x > 0 && x + w > WIDTH as i32 - 20 {
            rows.push(Vec::new());
            x = 0;
        }
        rows.last_mut().expect("one row at least").push(i);
        x += w;
    }
    rows
}

fn legend_entry_width(label: &str) -> i32 {
    // A swatch, a gap, the text (about 0.56 em a character), a gap.
    30 + (label.chars().count() as f64 * LEGEND_SIZE / 1.24 * 0.56) as i32 + 18
}

fn draw_legend(
    chart: &Chart,
    rows: &[Vec<usize>],
    area: &DrawingArea<SVGBackend<'_>, Shift>,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    for (r, row) in rows.iter().enumerate() {
        let y = r as i32 * LEGEND_ROW as i32 + 10;
        let mut x = 76;
        for &i in row {
            let line = &chart.lines[i];
            let color = rgb(line.color);
            match line.stroke {
                Stroke::Solid => area.draw(&PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3)))?,
                Stroke::Dashed => {
                    area.draw(&PathElement::new(vec![(x, y), (x + 8, y)], color.stroke_width(2)))?;
                    area.draw(&PathElement::new(vec![(x + 13, y), (x + 22, y)], color.stroke_width(2)))?;
                }
                Stroke::Area => {
                    area.draw(&Rectangle::new([(x, y - 5), (x + 22, y + 5)], color.mix(0.25).filled()))?;
                    area.draw(&PathElement::new(vec![(x, y - 5), (x + 22, y - 5)], color.stroke_width(2)))?;
                }
            }
            let style = TextStyle::from((FONT, LEGEND_SIZE).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(line.label.clone(), (x + 28, y), style))?;
            x += legend_entry_width(&line.label);
        }
    }
    Ok(())
}

fn rgb((r, g, b): Rgb) -> RGBColor {
    RGBColor(r, g, b)
}

/// An axis label: short, no float noise (`0.25`, `12.5`, `480`, `12k`, `1.5M`).
pub fn tick(v: f64) -> String {
    let a = v.abs();
    let s = if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    trim_zeros(&s)
}

fn trim_zeros(s: &str) -> String {
    let (num, suffix) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len()));
    let num = if num.contains('.') { num.trim_end_matches('0').trim_end_matches('.') } else { num };
    format!("{num}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(label: &str) -> Chart {
        Chart {
            id: "chart-x".into(),
            title: "Throughput <&>".into(),
            x_desc: "time since start (s)".into(),
            y_desc: "transactions per second (1/s)".into(),
            x_from: Some(0.0),
            lines: vec![
                Line {
                    label: label.into(),
                    points: vec![(10.0, 5.0), (20.0, 7.5)],
                    color: PALETTE[0],
                    stroke: Stroke::Solid,
                },
                Line {
                    label: "TP90".into(),
                    points: vec![(10.0, 6.0), (20.0, 6.0)],
                    color: GREY,
                    stroke: Stroke::Dashed,
                },
                Line {
                    label: "users".into(),
                    points: vec![(10.0, 1.0), (20.0, 2.0)],
                    color: RED,
                    stroke: Stroke::Area,
                },
            ],
        }
    }

    #[test]
    fn a_chart_is_an_svg_with_title_axes_and_legend_all_escaped() {
        let svg = render(&chart("case <b>&</b>"));
        assert!(svg.starts_with("<svg class=\"chart\" id=\"chart-x\" role=\"img\""), "{svg}");
        assert!(svg.contains("<title id=\"chart-x-title\">Throughput &lt;&amp;&gt;</title>"), "{svg}");
        assert!(svg.contains("case &lt;b&gt;&amp;&lt;/b&gt;") && !svg.contains("<b>"), "legend text escaped");
        assert!(svg.contains("time since start (s)") && svg.contains("transactions per second (1/s)"));
        assert!(svg.contains("<polyline") || svg.contains("<path"), "a line is drawn");
        assert!(svg.trim_end().ends_with("</svg>"));
        let outside = svg.replace("http://www.w3.org/2000/svg", "");
        assert!(!outside.contains("http") && !outside.contains("url(") && !outside.contains("<script"));
    }

    #[test]
    fn empty_and_flat_charts_still_draw() {
        let mut c = chart("x");
        c.lines.clear();
        assert!(render(&c).contains("</svg>"));
        c.lines.push(Line { label: "flat".into(), points: vec![(5.0, 0.0)], color: RED, stroke: Stroke::Solid });
        assert!(render(&c).contains("</svg>"));
    }

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(0.0), "0");
        assert_eq!(tick(0.25), "0.25");
        assert_eq!(tick(12.5), "12.5");
        assert_eq!(tick(480.0), "480");
        assert_eq!(tick(12_000.0), "12k");
        assert_eq!(tick(1_500_000.0), "1.5M");
        assert_eq!(tick(3.0), "3");
    }

    #[test]
    fn long_legends_wrap() {
        let mut c = chart("x");
        for i in 0..12 {
            c.lines.push(Line {
                label: format!("a rather long series name {i}"),
                points: vec![],
                color: RED,
                stroke: Stroke::Solid,
            });
        }
        assert!(legend_rows(&c).len() > 2);
    }
}
