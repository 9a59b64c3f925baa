using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Localization;
using Pharos.Platform.Localization;

namespace Pharos.Components.Shared;

/// <summary>
/// DataAnnotations validation whose messages go through the shared localizer: the attributes keep one English
/// message (which the API returns), and the form shows it in the reader's language.
/// </summary>
public sealed class LocalizedValidator : ComponentBase, IDisposable
{
    [CascadingParameter] private EditContext Form { get; set; } = default!;
    [Inject] private IStringLocalizer<SharedResource> L { get; set; } = default!;
    private ValidationMessageStore _messages = default!;

    protected override void OnInitialized()
    {
        _messages = new ValidationMessageStore(Form);
        Form.OnValidationRequested += ValidateAll;
        Form.OnFieldChanged += ValidateField;
    }

    private void ValidateAll(object? sender, ValidationRequestedEventArgs e)
    {
        _messages.Clear();
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(Form.Model, new ValidationContext(Form.Model), results, validateAllProperties: true);
        foreach (var r in results)
            foreach (var member in r.MemberNames.DefaultIfEmpty(""))
                _messages.Add(Form.Field(member), L[r.ErrorMessage ?? ""]);
        Form.NotifyValidationStateChanged();
    }

    private void ValidateField(object? sender, FieldChangedEventArgs e)
    {
        var field = e.FieldIdentifier;
        var property = field.Model.GetType().GetProperty(field.FieldName);
        if (property is null) return;
        _messages.Clear(field);
        var results = new List<ValidationResult>();
        Validator.TryValidateProperty(property.GetValue(field.Model), new ValidationContext(field.Model) { MemberName = field.FieldName }, results);
        foreach (var r in results) _messages.Add(field, L[r.ErrorMessage ?? ""]);
        Form.NotifyValidationStateChanged();
    }

    public void Dispose()
    {
        Form.OnValidationRequested -= ValidateAll;
        Form.OnFieldChanged -= ValidateField;
    }
}
