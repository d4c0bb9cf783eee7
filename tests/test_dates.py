"""Dates from date evidence only, and nothing lost for a bad date (made-up articles)."""

from __future__ import annotations

import datetime
import doctest
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from antqsearch import dates, laterdates
from antqsearch.indexer import build_index
from antqsearch.metadata import extract_metadata
from antqsearch.report import check_corpus
from antqsearch.search import SearchRequest, SearchService
from antqsearch.text import normalize_text

TODAY = datetime.date(2026, 6, 1)


def _meta(text: str, today: datetime.date = TODAY) -> tuple[str | None, tuple[str, ...]]:
    meta = extract_metadata(normalize_text(text), today=today)
    assert meta.year == (int(meta.date[:4]) if meta.date else None)
    return meta.date, meta.warnings


def test_doctests() -> None:
    assert doctest.testmod(dates).failed == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A comparison year is not the article's: the budget year is.
        ("Ngân sách xã tăng\n\nNgày 1/10, HĐND xã thông qua dự toán năm 2020, giảm 5% so với "
         "cùng kỳ năm 2019. Dự toán năm 2020 ưu tiên đường giao thông.", "2020-10-01"),
        # A plan ("đến năm 2030") and history ("vào năm 1998") are never the year.
        ("Quy hoạch vùng\n\nTỉnh đặt mục tiêu đến năm 2030 có 50 xã nông thôn mới. Vào năm "
         "1998, tỉnh mới có hai xã.", None),
        # One year named in passing, with nothing to agree with it: no year.
        ("Cây cầu mới\n\nCây cầu được khởi công năm 2019 và nay đã thông xe.", None),
        # A year later than the current one is never given.
        ("Kế hoạch dài hạn\n\nNăm 2097, thành phố sẽ có tàu điện. Năm 2097 là mốc lớn.", None),
        # "Sáng 19-7" with the year of its sentence.
        ("Ngày hội ở xã\n\nSáng 19-7, xã Tân Lập tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ "
         "quốc năm 2023.", "2023-07-19"),
        # The current period in the opening.
        ("Tình hình an ninh\n\nTrong 6 tháng đầu năm 2024, tình hình an ninh trật tự ổn định; "
         "các vụ việc giảm.", "2024"),
        # A paragraph opened by a full date, as a dateline.
        ("Ra mắt mô hình\n\nNgày 25/8/2024, phường An Bình ra mắt mô hình camera.", "2024-08-25"),
        # No headline: the lead sentence stands as the title and tells the full event date.
        ("Khoảng 9h sáng ngày 3/5/2023, khi người dân đang dọn vườn thì phát hiện một chiếc "
         "bình gốm cổ dưới gốc cây nhãn, rồi báo ngay cho chính quyền xã Yên Phú.\n\n"
         "Chiếc bình cao khoảng 30 cm, còn nguyên vẹn.", "2023-05-03"),
        # No headline: a full date opening the paragraph after the lead is not enough (a
        # history paragraph can open that way).
        ("Hang Đá Trắng được hình thành từ hàng triệu năm trước, có nhiều nhũ đá đẹp và "
         "hang ngầm xuyên thủy ở vùng núi phía tây huyện, là điểm đến quen thuộc của du khách "
         "mỗi dịp hè.\n\nNgày 12/11/2016, UBND tỉnh công "
         "nhận hang là danh thắng cấp tỉnh.", None),
        # A year-less event date takes the year of a full date within two weeks of it.
        ("Mở lại tuyến tàu\n\nNgày 22/4, Sở Giao thông tỉnh cho biết tuyến tàu cao tốc ra đảo "
         "sẽ chạy lại. Cụ thể, từ ngày 28/4 đến 2/5/2022, tàu chạy hai chuyến mỗi ngày.",
         "2022-04-22"),
        # … or of a year named with a day in brackets after it, within two weeks.
        ("Ngày hội thể thao\n\nNgày 30/4, hàng nghìn người dân đổ về quảng trường tỉnh. "
         "Nhiều hoạt động diễn ra trong dịp lễ.\n\nCác sự kiện chính: Giải bơi lội năm 2021 "
         "(2/5), Hội thi ẩm thực (3/5).", "2021-04-30"),
        ("Ngày hội thể thao\n\nNgày 30/4, hàng nghìn người dân đổ về quảng trường tỉnh. "
         "Nhiều hoạt động diễn ra trong dịp lễ.\n\nCác sự kiện chính: Giải bơi lội năm 2021 "
         "(2/8), Hội thi ẩm thực (3/8).", None),
        # … but not a full date far from it: a founding or other past date.
        ("Kênh video trở lại\n\nTối 10/4, kênh video ẩm thực đăng clip mới sau một tháng "
         "vắng bóng. Kênh được lập ngày 2/2/2018 và có hơn một triệu người theo dõi.", None),
        # … but the date of a document cited by its number dates the document, not the news.
        ("Hướng dẫn mới\n\nNgày 12/6, các tỉnh bắt đầu triển khai Thông tư số 15/2016/TT-BNN "
         "ngày 10/6/2016 của Bộ Nông nghiệp về hỗ trợ hợp tác xã.", None),
        ("Hướng dẫn mới\n\nNgày 12/6, các tỉnh bắt đầu triển khai hướng dẫn ban hành ngày "
         "10/6/2016 của Bộ Nông nghiệp về hỗ trợ hợp tác xã.", "2016-06-12"),
        # … nor when a later year is named in the text.
        ("Công văn mới\n\nNgày 26/4, Sở Du lịch ra công văn hướng dẫn, theo công văn ngày "
         "20/4/2022.\n\nBến cảng du lịch của tỉnh đã hoàn thành vào năm 2023.", None),
        # A later year told in a clause about the future is ahead of the text's time: it
        # does not hide the year the text tells as its own.
        ("Cuộc thi ảnh du lịch\n\nCuộc thi nhận ảnh dự thi từ ngày 10/3/2021, đến nay đã có "
         "300 tác phẩm. Ban tổ chức cuộc thi năm 2021 sẽ nhận bài đến ngày 30/6/2021. Lễ trao "
         "giải sẽ được tổ chức vào tháng 2/2022.", "2021-03-10"),
        # … but a later year told as done does.
        ("Cuộc thi ảnh du lịch\n\nCuộc thi nhận ảnh dự thi từ ngày 10/3/2021, đến nay đã có "
         "300 tác phẩm. Ban tổ chức cuộc thi năm 2021 sẽ nhận bài đến ngày 30/6/2021. Lễ trao "
         "giải được tổ chức vào tháng 2/2022.", None),
        # A text that tells only years to come keeps them: nothing is ahead of it.
        ("Cầu vượt mới\n\nCây cầu đang được thi công. Dự án dự kiến hoàn thành trong tháng "
         "8/2017, sẽ khánh thành vào cuối năm 2017.", "2017-08"),
        # A year told in a clause about what once was is history, not the event's.
        ("Ngày hội sách\n\nNgày 9/4, thư viện tỉnh mở ngày hội sách. Đây là lần thứ hai ngày "
         "hội được mở, sau lần đầu từng được tổ chức thành công trong năm 2020.", None),
        ("Ngày hội sách\n\nNgày 9/4, thư viện tỉnh mở ngày hội sách. Đây là lần thứ hai ngày "
         "hội được mở trong năm 2020.", "2020-04-09"),
        # … but "chưa từng" (never before) tells nothing of the past.
        ("Giá cước giảm\n\nNgày 5/3, các nhà mạng giảm giá cước mạnh chưa từng có trong năm "
         "2017.", "2017-03-05"),
        # The year named before the event date in its sentence.
        ("Mùa du lịch biển\n\nThành phố khai trương mùa du lịch biển năm 2021 vào ngày 24/4 "
         "vừa qua. Các khách sạn đã sẵn sàng đón khách.", "2021-04-24"),
        ("Hội thảo công nghệ\n\nĐây là nhận định của các chuyên gia tại Hội thảo Công nghệ "
         "xanh năm 2022 được tổ chức vào sáng nay, 25/3.", "2022-03-25"),
        # … not in the sentence before it.
        ("Mùa du lịch biển\n\nBiển thành phố đẹp. Thành phố đón hai triệu lượt khách trong "
         "năm 2019. Ngày 24/4, thành phố khai trương mùa du lịch biển.", None),
        # A season is named with its year like a year ("hè 2021", "Xuân 2021") …
        ("Đại hội thể thao\n\nNgày 25/4, tại sân vận động tỉnh đã diễn ra Đại hội thể thao hè "
         "2021 với 500 vận động viên.", "2021-04-25"),
        # … but "doanh thu 2020" is no autumn.
        ("Kết quả kinh doanh\n\nNgày 25/4, công ty công bố doanh thu 2020 tăng 5% so với cùng "
         "kỳ.", None),
        # The lead (the body's first sentence, which tells the news) names its year.
        ("Giải chạy\n\nGiải chạy việt dã của tỉnh năm 2021 thu hút 2.000 vận động viên. Giải "
         "năm nay có thêm cự ly 42 km.", "2021"),
        ("Doanh nghiệp tỉnh gặp khó\n\nNăm 2021, các doanh nghiệp của tỉnh vẫn gặp nhiều khó "
         "khăn vì dịch bệnh. Doanh thu giảm mạnh so với cùng kỳ.", "2021"),
        # … or in a day or month of its main clause …
        ("Kênh video ẩm thực\n\nKênh được lập từ tháng 12 năm ngoái, nhưng đến cuối tháng "
         "3/2021 đã có hơn 20.000 người theo dõi. Chủ kênh là một cô gái trẻ.", "2021-03"),
        # … but a date fronting the lead sets a backstory, and a cited document's is its own.
        ("Hãng điện thoại\n\nTháng 5/2019, hãng điện thoại bị cấm giao dịch với các đối tác. "
         "Hãng phải tự phát triển hệ điều hành.", None),
        ("Hướng dẫn mới\n\nCác tỉnh triển khai Thông tư số 15/2016/TT-BNN ngày 10/6/2016 của "
         "Bộ Nông nghiệp về hỗ trợ hợp tác xã. Nhiều hợp tác xã được hỗ trợ.", None),
        # … not when a later year is told after it (the lead told a backstory) …
        ("Xã đổi mới\n\nNăm 2019, xã được công nhận đạt chuẩn nông thôn mới. Tháng 3/2021, "
         "xã khánh thành nhà văn hóa.", None),
        # … nor when it names the year as history; a year in the headline alone is no lead.
        ("Làng nghề\n\nTừ năm 2015, làng nghề gốm được khôi phục. Nay làng có 40 hộ.", None),
        ("Kết quả kinh doanh năm 2020\n\nCác doanh nghiệp của tỉnh vẫn gặp nhiều khó khăn vì "
         "dịch bệnh. Doanh thu giảm mạnh.", None),
        # … nor when the near full dates disagree on the year.
        ("Hai văn bản\n\nNgày 5/1, huyện họp bàn. Trước đó, ngày 2/1/2021 tỉnh có văn bản; "
         "ngày 8/1/2022 huyện có kế hoạch.", None),
    ],
)
def test_year_from_date_evidence_only(text: str, expected: str | None) -> None:
    assert _meta(text)[0] == expected


# Evidence outside the opening (``laterdates.LATER_RULES``), each with a case where it must not
# give a year.
LATER = {
    "birth year in the event sentence is history": (
        "Bắt đối tượng trộm chó\n\nNgày 5/2, Công an huyện bắt Lê Văn Tám (SN 1985, trú xã "
        "Bình Minh) khi đang trộm chó.", None),
    "a year opening a later sentence is a backstory": (
        "Nữ ca sĩ trở lại\n\nNgày 10/2, nữ ca sĩ ra mắt album mới sau thời gian vắng bóng. "
        "Suốt năm 2016, cô gần như không xuất hiện trước công chúng.", None),
    "an edition to come is not the year": (
        "Tuyển quốc gia hội quân\n\nChiều 31-5, đội tuyển hội quân chuẩn bị cho vòng loại "
        "Asian Cup 2019 gặp đội khách.", None),
    "an edition whose qualifiers are told is ahead": (
        "Tuyển Ý thắng đậm\n\nTối 10/6, đội tuyển thắng 3-0 ở lượt trận thứ sáu vòng loại "
        "World Cup 2018 khu vực châu Âu.", None),
    "current period anywhere": (
        "Xuất khẩu gạo tăng\n\nGiá gạo xuất khẩu tiếp tục tăng. Theo Bộ Công Thương, trong 6 "
        "tháng đầu năm 2020, cả nước xuất khẩu 3,5 triệu tấn gạo, tăng 10% so với cùng kỳ "
        "năm 2019.", "2020"),
    "quarter anywhere": (
        "Ngân hàng báo lãi\n\nNhiều ngân hàng công bố kết quả kinh doanh. Lợi nhuận quý "
        "II/2021 của ngân hàng đạt 500 tỷ đồng.", "2021"),
    "a past quarter with a later year named": (
        "Ngân hàng báo lãi\n\nNhiều ngân hàng công bố kết quả. Lợi nhuận quý II/2019 đạt 500 "
        "tỷ đồng; năm 2021 ngân hàng đã tăng vốn.", None),
    "weekday with a full date that agrees": (
        "Lịch thi đấu\n\nGiải bóng đá phong trào của phường kết thúc. Trận chung kết diễn ra "
        "vào thứ Hai, 3/5/2021 tại sân vận động.", "2021"),
    "weekday with a full date that does not agree": (
        "Lịch thi đấu\n\nGiải bóng đá phong trào của phường kết thúc. Trận chung kết diễn ra "
        "vào thứ Ba, 3/5/2021 tại sân vận động.", None),
    "two year-less weekday dates agree with the year named": (
        "Lịch tiêm\n\nQuận mở đợt tiêm mới. Đợt tiêm kéo dài từ thứ Hai (3/5) đến chủ nhật "
        "(9/5). Đây là đợt tiêm lớn nhất năm 2021 của quận.", "2021"),
    "a year-less weekday date fits one year since the latest told": (
        "Tàu cá mất liên lạc\n\nTàu cá của ngư dân xã Bình Châu mất liên lạc khi đang đánh "
        "bắt. Lực lượng cứu hộ sẽ tìm kiếm đến hết thứ Bảy (24/4).\n\nCon tàu được đóng năm "
        "2014.", "2021"),
    "a year-less weekday date that fits two years since the latest told": (
        "Tàu cá mất liên lạc\n\nTàu cá của ngư dân xã Bình Châu mất liên lạc khi đang đánh "
        "bắt. Lực lượng cứu hộ sẽ tìm kiếm đến hết thứ Bảy (24/4).\n\nCon tàu được đóng năm "
        "2009.", None),
    "the year after one told as just past, named as a year": (
        "Du lịch vùng cao\n\nTỉnh có nhiều điểm đến đẹp. Tỉnh tổ chức chuỗi lễ hội văn hóa "
        "suốt năm 2021 để thu hút khách.\n\nTrong năm 2020 vừa qua, lượng khách giảm mạnh.",
        "2021"),
    "the year after last year in brackets": (
        "Du lịch vùng cao\n\nTỉnh có nhiều điểm đến đẹp. Tỉnh tổ chức nhiều lễ hội văn hóa."
        "\n\nSo với năm ngoái (2020), lượng khách tăng. Suốt năm 2021 tỉnh mở thêm tour.", "2021"),
    "a year told as past, not just past": (
        "Du lịch vùng cao\n\nTỉnh có nhiều điểm đến đẹp. Tỉnh tổ chức chuỗi lễ hội văn hóa "
        "suốt năm 2021 để thu hút khách.\n\nTrong năm 2020, lượng khách giảm mạnh.", None),
    "recency word next to a full date": (
        "Khánh thành cầu\n\nCây cầu nối hai xã đã được khánh thành. Lễ khánh thành diễn ra "
        "ngày 12/3/2020 vừa qua với sự tham dự của người dân.", "2020"),
    "a full date without recency word": (
        "Khánh thành cầu\n\nCây cầu nối hai xã đã được khánh thành. Cây cầu được khởi công "
        "ngày 12/3/2018 với vốn của tỉnh.", None),
    "lunar year named alone": (
        "Chợ hoa xuân\n\nNgười dân nô nức đi chợ hoa chuẩn bị đón Tết Tân Sửu.", "2021"),
    "lunar year of history": (
        "Di tích lịch sử\n\nKhu di tích ghi dấu cuộc Tổng tiến công Tết Mậu Thân.", None),
    "lunar year with an older year named": (
        "Chợ hoa xuân\n\nNgười dân nô nức đi chợ hoa chuẩn bị đón Tết Tân Sửu. Chợ được lập "
        "từ năm 2015 và năm 2018 được mở rộng.", None),
}


@pytest.mark.parametrize(("text", "expected"), LATER.values(), ids=LATER.keys())
def test_year_from_evidence_outside_the_opening(text: str, expected: str | None) -> None:
    date = _meta(text)[0]
    assert (date[:4] if date else None) == expected


@pytest.mark.parametrize("rule", list(laterdates.LATER_RULES))
def test_each_later_rule_alone_gives_its_cases(rule: str) -> None:
    """The rule that dates each positive case dates it alone (the others do not hide it)."""
    texts = {"period": LATER["current period anywhere"][0],
             "weekday": LATER["weekday with a full date that agrees"][0],
             "recent": LATER["recency word next to a full date"][0],
             "lunar": LATER["lunar year named alone"][0],
             "weekday window": LATER["a year-less weekday date fits one year since the latest "
                                     "told"][0],
             "after just past": LATER["the year after one told as just past, named as a "
                                      "year"][0]}
    assert laterdates.later_evidence_year(normalize_text(texts[rule]), TODAY, [rule]) is not None
    others = [name for name in laterdates.LATER_RULES if name != rule]
    assert laterdates.later_evidence_year(normalize_text(texts[rule]), TODAY, others) is None


def test_one_year_less_weekday_date_is_not_enough() -> None:
    """A weekday agrees with one year in seven by chance: one date alone dates nothing."""
    text = "Đợt tiêm bắt đầu thứ Hai (3/5). Đây là đợt tiêm lớn nhất năm 2021 của quận."
    assert laterdates.later_evidence_year(text, TODAY, ["weekday"]) is None
    two = text.replace("thứ Hai (3/5)", "thứ Hai (3/5) đến chủ nhật (9/5)")
    assert laterdates.later_evidence_year(two, TODAY, ["weekday"]) == 2021
    assert laterdates.later_evidence_year(two.replace("2021", "2020"), TODAY, ["weekday"]) is None


_WEEKDAY_NAMES = ("Hai", "Ba", "Tư", "Năm", "Sáu", "Bảy", "chủ nhật")


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2100, 12, 31)),
       st.integers(min_value=0, max_value=20))
def test_a_year_less_weekday_date_gives_its_own_year_or_none(day: datetime.date,
                                                             later: int) -> None:
    """Written in the year of its weekday date, which it also names: that year, or none
    when another year up to today fits the weekday too."""
    weekday = _WEEKDAY_NAMES[day.weekday()]
    told = weekday if weekday == "chủ nhật" else f"thứ {weekday}"
    text = f"Tin\n\nĐội cứu hộ làm việc đến {told} ({day.day}/{day.month}). Năm {day.year} khó."
    today = datetime.date(day.year + later, 12, 31)
    found = laterdates.later_evidence_year(text, today, ["weekday window"])
    fits = [y for y in range(day.year, today.year + 1)
            if dates.iso(y, day.month, day.day)
            and datetime.date(y, day.month, day.day).weekday() == day.weekday()]
    assert found == (day.year if fits == [day.year] else None)


_YEARS = st.integers(min_value=1900, max_value=2200)
_FORMS = st.sampled_from([
    "Ngày {d}/{m}/{y}, xã tổ chức ngày hội.", "Trong 6 tháng đầu năm {y}, tỉnh tăng trưởng.",
    "Lợi nhuận quý I/{y} đạt 5 tỷ.", "Trận đấu vào thứ Hai, {d}/{m}/{y} tại sân.",
    "Lễ khánh thành ngày {d}/{m}/{y} vừa qua.", "Năm {y}, xã đạt chuẩn; năm {y} là mốc lớn.",
    "Sáng {d}-{m}, ngày hội năm {y} khai mạc.", "Người dân đón Tết Canh Tý.",
    "Ngày {d}/{m}, theo văn bản ngày {d}/{m}/{y}.", "World Cup {y} sắp khởi tranh.",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_FORMS, _YEARS, st.integers(1, 28), st.integers(1, 12)),
                min_size=1, max_size=4),
       st.integers(min_value=2000, max_value=2100))
def test_no_year_after_the_current_one_is_ever_given(
    parts: list[tuple[str, int, int, int]], this_year: int
) -> None:
    body = " ".join(form.format(y=y, d=d, m=m) for form, y, d, m in parts)
    today = datetime.date(this_year, 6, 1)
    meta = extract_metadata(normalize_text(f"Tin địa phương\n\n{body}"), today=today)
    assert meta.year is None or 1900 <= meta.year <= this_year
    assert laterdates.later_evidence_year(body, today) in (None, *range(1900, this_year + 1))


def test_no_year_after_today_is_taken_from_the_clock_given() -> None:
    text = "Ngày hội\n\nNgày 20/8/2027, xã Kim Sơn tổ chức ngày hội năm 2027."
    assert _meta(text, datetime.date(2026, 1, 1))[0] is None
    assert _meta(text, datetime.date(2027, 9, 1))[0] == "2027-08-20"


BROKEN = {
    "impossible year in the opening": (
        "Ngày hội ở xã Yên Lạc\n\nNgày 20/3/0218, xã Yên Lạc tổ chức ngày hội.", "20/3/0218"),
    "year after today in the opening": (
        "Ngày hội ở xã Yên Lạc\n\nNgày 20/3/2097, xã Yên Lạc tổ chức ngày hội.", "20/3/2097"),
    "date line with a month 13": (
        "date 2023-13\nNgày hội ở xã Yên Lạc\n\nXã Yên Lạc tổ chức ngày hội.", "2023-13"),
    "date line with year 0218": (
        "date 0218-03-20\nNgày hội ở xã Yên Lạc\n\nXã Yên Lạc tổ chức ngày hội.", "0218-03-20"),
    "date line not in ISO form": (
        "date: 20/3/2023\nNgày hội ở xã Yên Lạc\n\nXã Yên Lạc tổ chức ngày hội.", "20/3/2023"),
    "dateline of a day that does not exist": (
        "Ngày hội ở xã Yên Lạc\nThứ Hai 31/02/2023 10:11\n\nXã Yên Lạc tổ chức ngày hội.",
        "31/02/2023"),
}


@pytest.mark.parametrize(("text", "value"), BROKEN.values(), ids=BROKEN.keys())
def test_impossible_dates_are_dropped_with_a_warning(text: str, value: str) -> None:
    date, warnings = _meta(text)
    assert date is None
    assert len(warnings) == 1 and value in warnings[0] and "dòng" in warnings[0]
    meta = extract_metadata(normalize_text(text), today=TODAY)
    assert meta.title == "Ngày hội ở xã Yên Lạc" and "date" not in meta.body


# Header lines as ``antqsearch import`` writes them, with a date that is not one.
HEADER_BROKEN = {
    "header date of a day that does not exist": (
        "source: Báo Mẫu\ndate: 2023-02-30\nauthor: Minh Anh\n\nNgày hội ở xã Yên Lạc\n\n"
        "Xã Yên Lạc tổ chức ngày hội.", "2023-02-30"),
    "header date in another form": (
        "source: Báo Mẫu\ndate: 20/3/0218\n\nNgày hội ở xã Yên Lạc\n\nXã Yên Lạc tổ chức.",
        "20/3/0218"),
}


def test_no_article_is_lost_for_a_date(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    cases = [*BROKEN.values(), *HEADER_BROKEN.values()]
    for number, (text, _) in enumerate(cases):
        (corpus / f"bai{number}.txt").write_text(text, encoding="utf-8")
    summary = build_index(corpus, index)
    assert summary.skipped == [] and summary.total == len(cases)
    assert len(summary.warnings) == len(cases)
    for number, (_, value) in enumerate(cases):
        warning = next(w for w in summary.warnings if f"bai{number}.txt" in w)
        assert value in warning and "dòng" in warning and str(corpus) in warning
    assert all("tệp sửa siêu dữ liệu" not in w for w in summary.warnings)
    found = SearchService(index).search(SearchRequest("Yên Lạc"))
    assert found.total == len(cases) and all(hit.date is None for hit in found.hits)
    rows = check_corpus(corpus)
    assert all(len(row["warnings"]) == 1 and "skipped" not in row for row in rows)
    assert {row["author"] for row in rows} >= {"Minh Anh"}  # the rest of the header holds


# A month or day 0 in a full date later in the text ("25/00/2017" in a live report): no
# such date, so it dates nothing, and the article is indexed (it used to be skipped, its
# error reported as a sidecar's).
ZERO_PARTS = (
    "Trận đấu ở sân Yên Lạc\n\nNgày 25/5, đội Yên Lạc thắng 2-0. Cập nhật lúc 03:28 ngày "
    "25/00/2017.",
    "Trận đấu ở sân Yên Lạc\n\nNgày 25/5, đội Yên Lạc thắng 2-0. Cập nhật ngày 0/5/2017.",
)


@pytest.mark.parametrize("text", ZERO_PARTS)
def test_a_month_or_day_zero_dates_nothing_and_loses_nothing(text: str, tmp_path: Path) -> None:
    meta = extract_metadata(normalize_text(text), today=TODAY)
    assert meta.date is None and not meta.year
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bai.txt").write_text(text, encoding="utf-8")
    summary = build_index(corpus, tmp_path / "index")
    assert summary.skipped == [] and summary.total == 1


def test_a_date_no_rule_foresaw_costs_the_date_not_the_article(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from antqsearch import metadata

    def broken(*_: object) -> None:
        raise ValueError("month must be in 1..12")

    monkeypatch.setattr(metadata, "_article_date", broken)
    meta = extract_metadata(normalize_text(ZERO_PARTS[0]), today=TODAY)
    assert meta.date is None and meta.title == "Trận đấu ở sân Yên Lạc"
    assert meta.warnings == ("không đọc được ngày của bài (month must be in 1..12), bỏ qua ngày",)
