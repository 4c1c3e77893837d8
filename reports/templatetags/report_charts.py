"""{% report_chart chart pdf %}: a chart as a <figure> with its caption (charts.svg.Chart), and
{% annual_report_charts report as charts %}: the yearly report's charts, built once per page."""

from django import template
from django.template.loader import render_to_string

from reports.charts import annual_report_charts as build_annual_charts

register = template.Library()


@register.simple_tag
def annual_report_charts(report):
    return build_annual_charts(report)


@register.simple_tag
def report_chart(chart, pdf=False):
    if chart is None:
        return ""
    return render_to_string(
        "reports/charts/figure.html", {"chart": chart, "svg": chart.svg(pdf=bool(pdf))}
    )
