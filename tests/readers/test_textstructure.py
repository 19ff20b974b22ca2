"""Plain-text structure: Gutenberg boilerplate, contents, headings in the forms books use."""

from __future__ import annotations

from octavo.readers.textstructure import detect, title_case


def layout(text: str):  # type: ignore[no-untyped-def]
    return detect(text.split("\n"))


GUTENBERG = """The Project Gutenberg EBook of Test, by Someone

Title: The Test Book

Author: Some One

*** START OF THIS PROJECT GUTENBERG EBOOK TEST ***

Produced by volunteers.

THE TEST BOOK

CONTENTS

    I. THE BEGINNING        1
   II. THE END             10

I

THE BEGINNING

It was a start.

       *       *       *       *       *

Later.

II

THE END

Done.

*** END OF THIS PROJECT GUTENBERG EBOOK TEST ***

Licence text that must not appear.
"""


def test_gutenberg_boilerplate_and_contents_are_left_out() -> None:
    found = layout(GUTENBERG)
    assert found.meta == {"title": "The Test Book", "author": "Some One"}
    assert found.dropped == ["the Project Gutenberg header and licence",
                             "the printed contents list"]
    kinds = [(s.kind, s.title) for s in found.sections]
    assert kinds == [("titlepage", ""), ("chapter", "I. The Beginning"), ("chapter", "II. The End")]
    text = " ".join(b.text for s in found.sections for b in s.blocks)
    assert "Licence" not in text and "Produced" not in text and "10" not in text


def test_heading_forms() -> None:
    text = "\n\n".join([
        "CHAPTER I.", "The Widow and her Child.", "Text one.",
        "Chapter 2", "It rained.",
        "CHAPTER IV: A MARKET BY THE WAY", "Text four.",
        "V. THE FIFTH", "Text five.",
        "PART TWO", "Text of part.",
        "CHAPTER VI.", "Text six, which is a sentence and not a title, as it goes on and on.",
    ])
    titles = [(s.kind, s.title) for s in layout(text).sections]
    assert titles == [
        ("chapter", "Chapter I: The Widow and her Child"),
        ("chapter", "Chapter 2"),
        ("chapter", "Chapter IV: A Market by the Way"),
        ("chapter", "V. The Fifth"),
        ("part", "Part Two"),
        ("chapter", "Chapter VI"),
    ]


def test_more_heading_forms_with_their_numbers() -> None:
    text = "\n\n".join([
        "Part the First", "It rained.", "BOOK II", "It rained.", "Volume iii.", "It rained.",
        "CHAPTER THE LAST", "It rained.", "Chapter Twenty-One", "It rained.",
        "Chapter 2 The Beginning", "It rained.", "EPOCH THE SECOND, 1715.", "It rained.",
    ])
    assert [(s.kind, s.title) for s in layout(text).sections] == [
        ("part", "Part the First"), ("part", "Book II"), ("part", "Volume iii"),
        ("chapter", "Chapter the Last"), ("chapter", "Chapter Twenty-One"),
        ("chapter", "Chapter 2: The Beginning"), ("part", "Epoch the Second, 1715"),
    ]


def test_sentences_starting_with_a_heading_word_stay_paragraphs() -> None:
    paragraphs = [
        "Part of the money went to the landlord, and the rest\nwent to the host.",
        "Chapter and verse, she said, she could quote them all\nday long if asked.",
        "Book after book she read.", "Volume was low.", "Part one of the plan was simple.",
        "PART of it.", "part II of the deal",
    ]
    sections = layout("\n\n".join(["CHAPTER I.", *paragraphs])).sections
    assert [(s.kind, s.title) for s in sections] == [("chapter", "Chapter I")]
    assert ["\n".join(block.lines) for block in sections[0].blocks] == paragraphs


def test_headings_without_a_stop_that_read_as_titles() -> None:
    """A heading word, its number, and a title-cased rest are a heading even when the rest
    starts with a small word ("of the Trilogy")."""
    text = "\n\n".join([
        "Part One of the Trilogy", "It rained.", "BOOK TWO OF THE TRILOGY", "It rained.",
        "Volume III in Which Things End", "It rained.", "Chapter One in Which We Meet", "It rained.",
    ])
    assert [(s.kind, s.title) for s in layout(text).sections] == [
        ("part", "Part One of the Trilogy"), ("part", "Book Two of the Trilogy"),
        ("part", "Volume III in Which Things End"), ("chapter", "Chapter One in Which We Meet"),
    ]


def test_sentences_with_a_heading_word_and_a_number_stay_paragraphs() -> None:
    paragraphs = [
        "Part one of the Trilogy was lost.", "Part One of the plan was simple.",
        "Book Two of the series was better", "Part One of it, and then",
        "Part of the reason was the rain.", "Book one of Genesis",
    ]
    sections = layout("\n\n".join(["CHAPTER I.", *paragraphs])).sections
    assert [(s.kind, s.title) for s in sections] == [("chapter", "Chapter I")]
    assert [block.text for block in sections[0].blocks] == paragraphs


PROSE = "It was a dark and stormy night, and the rain fell in torrents\nupon the roofs of the old town."


def _headed(text: str) -> list[tuple[str, str, list[str], list[int]]]:
    return [(s.kind, s.title, ["\n".join(block.lines) for block in s.blocks],
             [block.line for block in s.blocks]) for s in layout(text).sections]


def test_prose_wrapped_under_a_chapter_heading_is_its_first_paragraph() -> None:
    """No blank line between "CHAPTER I." and the story: the heading is the heading line, and
    the prose, however many lines, the chapter's first paragraph."""
    assert _headed(f"CHAPTER I.\n{PROSE}\n\nMore.") == [
        ("chapter", "Chapter I", [PROSE, "More."], [2, 5])]
    long = f"{PROSE}\nThe watchman had gone home, and not a soul\nwas left in the street."
    assert _headed(f"CHAPTER I.\n{long}\n\nMore.") == [
        ("chapter", "Chapter I", [long, "More."], [2, 7])]
    assert _headed("Chapter 2\nThe rain fell.\n\nMore.") == [
        ("chapter", "Chapter 2", ["The rain fell.", "More."], [2, 4])]
    # A line that reads as a title but runs on into the sentence below is prose.
    running = "In the Year of Our Lord 1703, London was\na city of narrow streets."
    assert _headed(f"CHAPTER II.\n{running}") == [("chapter", "Chapter II", [running], [2])]
    for names in ["It was Mr. Wood, of Dollis Hill, who said to\nJonathan Wild that he would go.",
                  "It was late when Mr. Wood and his Wife saw\nJonathan Wild at the door.",
                  "When Mr. Kneebone and Captain Darrell reached Dollis Hill\nJonathan Wild and "
                  "Blueskin were already there, and the\nhouse was dark."]:
        assert _headed(f"CHAPTER III.\n{names}") == [("chapter", "Chapter III", [names], [2])]


def test_a_title_line_under_the_heading_stays_the_title_and_the_prose_below_is_text() -> None:
    assert _headed(f"CHAPTER I.\nTHE BEGINNING\n{PROSE}") == [
        ("chapter", "Chapter I: The Beginning", [PROSE], [3])]
    assert _headed(f"Chapter 1\nIn Which We Meet\n{PROSE}") == [
        ("chapter", "Chapter 1: In Which We Meet", [PROSE], [3])]
    assert _headed(f"CHAPTER XVIII.\nHOW JACK SHEPPARD BROKE OUT OF\nTHE CAGE AT WILLESDEN.\n{PROSE}") == [
        ("chapter", "Chapter XVIII: How Jack Sheppard Broke Out of the Cage at Willesden", [PROSE], [4])]
    assert _headed(f"CHAPTER IV: A MARKET BY THE WAY\n{PROSE}") == [
        ("chapter", "Chapter IV: A Market by the Way", [PROSE], [2])]
    assert _headed(f"II\nTHE END\n{PROSE}") == [("chapter", "II. The End", [PROSE], [3])]
    # A title keeps to capitals: a line not in capitals under one is the text.
    assert _headed("CHAPTER I.\nTHE STORM\nNobody Came.") == [
        ("chapter", "Chapter I: The Storm", ["Nobody Came."], [3])]
    # A heading block of title lines only is the heading, as before.
    assert _headed("CHAPTER I.\nTHE BEGINNING\n\nText of it.") == [
        ("chapter", "Chapter I: The Beginning", ["Text of it."], [4])]
    assert _headed("Chapter 1\nIn Which We Meet\n\nText of it.") == [
        ("chapter", "Chapter 1: In Which We Meet", ["Text of it."], [4])]


def test_a_title_block_under_a_heading_line_leaves_the_prose_it_runs_into() -> None:
    assert _headed("CHAPTER I.\n\nTHE BEGINNING\nIt was a dark night.\n\nMore.") == [
        ("chapter", "Chapter I: The Beginning", ["It was a dark night.", "More."], [4, 6])]
    assert _headed(f"Chapter 5\n\nJohn and Mary Went Home\n{PROSE}") == [
        ("chapter", "Chapter 5: John and Mary Went Home", [PROSE], [4])]
    assert _headed("I\n\nTHE BEGINNING\nIt was a dark night.") == [
        ("chapter", "I. The Beginning", ["It was a dark night."], [4])]
    # A title wrapped over two lines is still all title; a paragraph under the heading, none.
    assert _headed("CHAPTER I.\n\nHow Jack Sheppard broke\nout of the Cage.\n\nMore.") == [
        ("chapter", "Chapter I: How Jack Sheppard broke out of the Cage", ["More."], [6])]
    assert _headed(f"CHAPTER I.\n\n{PROSE}") == [("chapter", "Chapter I", [PROSE], [3])]


def test_a_line_under_a_heading_that_would_leave_it_no_text_is_its_text() -> None:
    # Taken as the title, "The end." would leave the chapter empty: it is the chapter's text.
    assert _headed("Chapter 1\n\nThe end.\n") == [("chapter", "Chapter 1", ["The end."], [3])]
    assert _headed("Chapter 1\n\nOK.\n") == [("chapter", "Chapter 1", ["OK."], [3])]
    assert _headed("Chapter 1\n\nThe end.\n\nChapter 2\n\nThe Middle\n\nIt rained.\n") == [
        ("chapter", "Chapter 1", ["The end."], [3]),
        ("chapter", "Chapter 2: The Middle", ["It rained."], [9])]
    custom = detect(["Scene 1", "", "The Rain"], r"Scene \d+").sections
    assert [(s.title, [b.text for b in s.blocks]) for s in custom] == [("Scene 1", ["The Rain"])]
    # A numeral over one short line and nothing more is no heading: both are the text.
    sections = layout("I\n\nA\n").sections
    assert [[b.text for b in s.blocks] for s in sections] == [["I", "A"]]


def test_a_paragraph_opening_with_a_heading_word_is_no_heading_when_it_runs_on() -> None:
    for text in ["Chapter 3. Then he went to the market, and bought\nbread and cheese for the road.",
                 "Chapter 3. Then he went to the market and bought\nMr. Jones a drink at the inn.",
                 f"I\n{PROSE}"]:
        assert _headed(f"CHAPTER I.\n\nIt rained.\n\n{text}") == [
            ("chapter", "Chapter I", ["It rained.", text], [3, 5])], text


def test_a_heading_never_drops_the_lines_of_its_block_it_does_not_use() -> None:
    sections = layout("PART I.\nIN WHICH WE BEGIN\n\nText.\n").sections
    assert [(s.kind, s.title) for s in sections] == [("part", "Part I")]
    assert [block.text for block in sections[0].blocks] == ["IN WHICH WE BEGIN", "Text."]
    assert sections[0].blocks[0].line == 2
    custom = detect(["Scene 1", "The rain fell", "and fell.", "", "Text."], r"Scene \d+")
    assert [block.text for block in custom.sections[0].blocks] == ["The rain fell and fell.", "Text."]


def test_parts_make_chapters_one_level_down() -> None:
    text = "EPOCH THE FIRST.\n\n1703.\n\nCHAPTER I.\n\nText.\n\nEND OF THE FIRST EPOCH.\n"
    sections = layout(text).sections
    assert [(s.kind, s.level) for s in sections] == [("part", 1), ("chapter", 2)]
    assert sections[0].blocks[0].text == "1703."
    assert sections[1].blocks[-1].text == "END OF THE FIRST EPOCH."


def test_no_headings_is_one_chapter() -> None:
    sections = layout("Just a story.\n\nWith two paragraphs.\n").sections
    assert [s.kind for s in sections] == ["chapter"]


def test_title_case() -> None:
    assert title_case("UNDER THE SOUTHERN PINES") == "Under the Southern Pines"
    assert title_case("XIV. DERMOTT MCDERMOTT'S CHARACTER") == "XIV. Dermott McDermott's Character"
    assert title_case('"I WILL TAKE CARE OF YOU"') == '"I Will Take Care of You"'
