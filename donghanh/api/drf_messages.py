"""Django REST framework's own messages, named here so that the API says them in Vietnamese.

The API follows the reader's language like the staff pages (Accept-Language, else Vietnamese:
donghanh/core/middleware.py), and DRF ships a Vietnamese catalogue; but that catalogue translates
only a handful of DRF's messages (21 in DRF 3.16), so a Vietnamese reader was told "A valid
integer is required." or "Invalid page." in English. Naming the messages here brings them into
this app's catalogue (donghanh/api/locale), whose translations take precedence over DRF's own
because `donghanh.api` comes before `rest_framework` in INSTALLED_APPS.

`donghanh/api/tests/test_language.py` walks DRF's fields, exceptions, pagination and validators
and fails when one of their messages is not translated, for instance after an upgrade of DRF.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

DRF_MESSAGES = (
    _("A server error occurred."),
    _("Invalid input."),
    _("Malformed request."),
    _("Incorrect authentication credentials."),
    _("Authentication credentials were not provided."),
    _("You do not have permission to perform this action."),
    _("Not found."),
    _('Method "{method}" not allowed.'),
    _("Could not satisfy the request Accept header."),
    _('Unsupported media type "{media_type}" in request.'),
    _("Request was throttled."),
    _("Expected available in {wait} second."),
    _("Expected available in {wait} seconds."),
    _("This field is required."),
    _("This field may not be null."),
    _("Must be a valid boolean."),
    _("Not a valid string."),
    _("This field may not be blank."),
    _("Ensure this field has no more than {max_length} characters."),
    _("Ensure this field has at least {min_length} characters."),
    _("Enter a valid email address."),
    _("This value does not match the required pattern."),
    _('Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'),
    _('Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'),
    _("Enter a valid URL."),
    _("Must be a valid UUID."),
    _("Enter a valid IPv4 or IPv6 address."),
    _("A valid integer is required."),
    _("Ensure this value is less than or equal to {max_value}."),
    _("Ensure this value is greater than or equal to {min_value}."),
    _("String value too large."),
    _("A valid biginteger is required."),
    _("A valid number is required."),
    _("Integer value too large to convert to float"),
    _("Ensure that there are no more than {max_digits} digits in total."),
    _("Ensure that there are no more than {max_decimal_places} decimal places."),
    _("Ensure that there are no more than {max_whole_digits} digits before the decimal point."),
    _("Datetime has wrong format. Use one of these formats instead: {format}."),
    _("Expected a datetime but got a date."),
    _('Invalid datetime for the timezone "{timezone}".'),
    _("Datetime value out of range."),
    _("Date has wrong format. Use one of these formats instead: {format}."),
    _("Expected a date but got a datetime."),
    _("Time has wrong format. Use one of these formats instead: {format}."),
    _("Duration has wrong format. Use one of these formats instead: {format}."),
    _("The number of days must be between {min_days} and {max_days}."),
    _('"{input}" is not a valid choice.'),
    _("More than {count} items..."),
    _('Expected a list of items but got type "{input_type}".'),
    _("This selection may not be empty."),
    _('"{input}" is not a valid path choice.'),
    _("No file was submitted."),
    _("The submitted data was not a file. Check the encoding type on the form."),
    _("No filename could be determined."),
    _("The submitted file is empty."),
    _("Ensure this filename has at most {max_length} characters (it has {length})."),
    _("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    _("This list may not be empty."),
    _("Ensure this field has at least {min_length} elements."),
    _("Ensure this field has no more than {max_length} elements."),
    _('Expected a dictionary of items but got type "{input_type}".'),
    _("This dictionary may not be empty."),
    _("Value must be valid JSON."),
    _("Invalid page."),
    _("Invalid cursor"),
    _('Invalid pk "{pk_value}" - object does not exist.'),
    _("Incorrect type. Expected pk value, received {data_type}."),
    _("Invalid hyperlink - No URL match."),
    _("Invalid hyperlink - Incorrect URL match."),
    _("Invalid hyperlink - Object does not exist."),
    _("Incorrect type. Expected URL string, received {data_type}."),
    _("Object with {slug_name}={value} does not exist."),
    _("Invalid value."),
    _("Invalid data. Expected a dictionary, but got {datatype}."),
    _("This field must be unique."),
    _("The fields {field_names} must make a unique set."),
    _("Surrogate characters are not allowed: U+{code_point:X}."),
    _('This field must be unique for the "{date_field}" date.'),
    _('This field must be unique for the "{date_field}" month.'),
    _('This field must be unique for the "{date_field}" year.'),
)
