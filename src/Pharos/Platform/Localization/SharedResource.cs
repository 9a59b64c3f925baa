namespace Pharos;

/// <summary>
/// Marker type for Resources/SharedResource.*.resx. It sits in the root namespace because the localizer looks the
/// resources up by the type's name under the root namespace; scripts/i18n.py writes both files.
/// </summary>
public sealed class SharedResource;
