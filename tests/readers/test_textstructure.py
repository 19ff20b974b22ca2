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
