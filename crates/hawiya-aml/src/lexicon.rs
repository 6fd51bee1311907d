//! A lexicon of common Egyptian given and family names: Arabic spelling, the Latin spellings
//! seen on documents and lists (most common Egyptian form first), and a relative frequency.
//!
//! The matcher uses it as a transliteration table (Arabic ↔ Latin, spelling variants that the
//! phonetic rules alone do not unify); the synthetic list generator draws names from it.

/// Which slot of a name a lexicon entry fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// A male given name (also used as father's / grandfather's name).
    Male,
    /// A female given name.
    Female,
    /// A family name (last part of an Egyptian full name).
    Family,
}

/// One lexicon name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LexName {
    /// Arabic spelling (compounds written with a space, as on documents).
    pub ar: &'static str,
    /// Latin spellings, most common Egyptian form first.
    pub latin: &'static [&'static str],
    /// Relative frequency within its kind (arbitrary units).
    pub freq: u16,
    /// Slot.
    pub kind: NameKind,
}

macro_rules! names {
    ($kind:ident; $( $ar:literal [$($lat:literal),+] $f:literal ;)*) => {
        &[ $( LexName { ar: $ar, latin: &[$($lat),+], freq: $f, kind: NameKind::$kind } ),* ]
    };
}

/// Male given names.
pub static MALE: &[LexName] = names! { Male;
    "محمد" ["Mohamed", "Mohammed", "Muhammad", "Mohamad", "Mohammad", "Muhammed"] 100;
    "أحمد" ["Ahmed", "Ahmad", "Ahmet"] 60;
    "محمود" ["Mahmoud", "Mahmud", "Mahmood"] 40;
    "مصطفى" ["Mostafa", "Mustafa", "Moustafa", "Mustapha"] 30;
    "علي" ["Ali", "Aly"] 35;
    "حسن" ["Hassan", "Hasan"] 30;
    "حسين" ["Hussein", "Hussain", "Hosein", "Hossein", "Husayn"] 25;
    "إبراهيم" ["Ibrahim", "Ebrahim", "Brahim"] 25;
    "يوسف" ["Youssef", "Yousef", "Yusuf", "Youssif", "Yousif"] 20;
    "عمر" ["Omar", "Umar", "Omer"] 15;
    "خالد" ["Khaled", "Khalid"] 15;
    "كريم" ["Karim", "Kareem"] 12;
    "طارق" ["Tarek", "Tarik", "Tariq"] 12;
    "عمرو" ["Amr", "Amro"] 12;
    "شريف" ["Sherif", "Sharif", "Cherif"] 10;
    "هاني" ["Hany", "Hani"] 10;
    "هشام" ["Hesham", "Hisham"] 10;
    "وائل" ["Wael", "Wail"] 8;
    "أشرف" ["Ashraf"] 8;
    "أيمن" ["Ayman", "Aymen"] 8;
    "تامر" ["Tamer", "Tamir"] 8;
    "حسام" ["Hossam", "Hussam", "Hosam"] 8;
    "إسلام" ["Islam", "Eslam"] 8;
    "وليد" ["Walid", "Waleed"] 8;
    "سيد" ["Sayed", "Sayyid", "Sayid"] 15;
    "سعيد" ["Said", "Saeed", "Saied"] 10;
    "عبد الله" ["Abdallah", "Abdullah", "Abdalla", "Abdulla"] 12;
    "عبد الرحمن" ["Abdelrahman", "Abdel Rahman", "Abdulrahman", "Abdul Rahman", "Abdurrahman", "Abd El Rahman"] 12;
    "عبد العزيز" ["Abdelaziz", "Abdel Aziz", "Abdulaziz", "Abd El Aziz"] 6;
    "عبد الحميد" ["Abdelhamid", "Abdel Hamid", "Abdul Hamid"] 5;
    "عبد الفتاح" ["Abdelfattah", "Abdel Fattah", "Abdul Fattah"] 5;
    "عبد المنعم" ["Abdelmoneim", "Abdel Moneim", "Abdul Moneim", "Abdel Monem"] 4;
    "عبد الناصر" ["Abdelnasser", "Abdel Nasser", "Abdul Nasser"] 4;
    "عبد الحليم" ["Abdelhalim", "Abdel Halim", "Abdul Halim"] 3;
    "عبد الكريم" ["Abdelkarim", "Abdel Karim", "Abdul Karim"] 3;
    "عبد اللطيف" ["Abdellatif", "Abdel Latif", "Abdul Latif"] 3;
    "عبد الوهاب" ["Abdelwahab", "Abdel Wahab", "Abdul Wahab"] 3;
    "عبد الغني" ["Abdelghany", "Abdel Ghany", "Abdul Ghani"] 3;
    "عبد السلام" ["Abdelsalam", "Abdel Salam", "Abdessalam", "Abdul Salam"] 3;
    "عبد الرحيم" ["Abdelrahim", "Abdel Rahim", "Abdul Rahim"] 3;
    "عبد العظيم" ["Abdelazim", "Abdel Azim", "Abdul Azim"] 2;
    "عبد المجيد" ["Abdelmegid", "Abdel Meguid", "Abdel Maguid", "Abdul Majid"] 2;
    "عبد الجواد" ["Abdelgawad", "Abdel Gawad", "Abdul Jawad"] 2;
    "عبد الرؤوف" ["Abdelraouf", "Abdel Raouf", "Abdul Rauf"] 2;
    "أبو بكر" ["Abubakr", "Abu Bakr", "Abou Bakr", "Aboubakr"] 3;
    "نور الدين" ["Noureldin", "Nour El Din", "Nour Eldin", "Nureddin", "Nour Al Din"] 3;
    "صلاح الدين" ["Salaheldin", "Salah El Din", "Salah Eldin", "Salahuddin"] 3;
    "عز الدين" ["Ezzeldin", "Ezz El Din", "Ezzeddin", "Izz Al Din"] 2;
    "علاء الدين" ["Alaaeldin", "Alaa El Din", "Alaa Eldin", "Alaeddin"] 2;
    "جمال الدين" ["Gamaleldin", "Gamal El Din", "Gamal Eldin", "Jamaluddin"] 2;
    "جمال" ["Gamal", "Jamal"] 10;
    "عماد" ["Emad", "Imad"] 8;
    "عصام" ["Essam", "Issam"] 8;
    "فتحي" ["Fathy", "Fathi"] 8;
    "فوزي" ["Fawzy", "Fawzi"] 5;
    "فاروق" ["Farouk", "Farouq", "Faruq"] 5;
    "فؤاد" ["Fouad", "Fuad"] 4;
    "حمدي" ["Hamdy", "Hamdi"] 6;
    "حلمي" ["Helmy", "Hilmi", "Helmi"] 4;
    "حازم" ["Hazem", "Hazim"] 6;
    "أسامة" ["Osama", "Usama", "Ossama", "Oussama"] 8;
    "رامي" ["Ramy", "Rami"] 6;
    "سامح" ["Sameh", "Sameeh"] 6;
    "سمير" ["Samir", "Sameer"] 8;
    "سامي" ["Samy", "Sami"] 6;
    "مجدي" ["Magdy", "Magdi", "Majdi"] 6;
    "مدحت" ["Medhat", "Midhat"] 4;
    "نبيل" ["Nabil", "Nabeel"] 6;
    "ناصر" ["Nasser", "Nasir", "Naser"] 6;
    "رضا" ["Reda", "Ridha", "Rida"] 6;
    "رفعت" ["Refaat", "Rifaat", "Refat"] 4;
    "سعد" ["Saad", "Sa'ad"] 6;
    "صبري" ["Sabry", "Sabri"] 5;
    "شادي" ["Shady", "Shadi"] 5;
    "صبحي" ["Sobhy", "Sobhi", "Subhi"] 4;
    "توفيق" ["Tawfik", "Tawfiq", "Tewfik", "Toufik"] 4;
    "وجدي" ["Wagdy", "Wagdi", "Wajdi"] 3;
    "ياسر" ["Yasser", "Yasir", "Yaser"] 8;
    "يحيى" ["Yehia", "Yahia", "Yahya", "Yehya"] 6;
    "زكريا" ["Zakaria", "Zakariya", "Zakariyya"] 4;
    "زكي" ["Zaki", "Zaky"] 4;
    "عادل" ["Adel", "Adil"] 8;
    "عاطف" ["Atef", "Atif"] 5;
    "باسم" ["Bassem", "Basem", "Basim"] 5;
    "إيهاب" ["Ehab", "Ihab"] 6;
    "فادي" ["Fady", "Fadi"] 5;
    "جلال" ["Galal", "Jalal"] 4;
    "حاتم" ["Hatem", "Hatim"] 5;
    "كمال" ["Kamal"] 6;
    "خليل" ["Khalil", "Khaleel"] 4;
    "ماهر" ["Maher", "Mahir"] 5;
    "ممدوح" ["Mamdouh", "Mamduh"] 5;
    "مروان" ["Marwan"] 4;
    "معتز" ["Moataz", "Motaz", "Mutaz", "Muataz"] 4;
    "محسن" ["Mohsen", "Muhsin", "Mohsin"] 4;
    "منير" ["Mounir", "Monir", "Munir"] 4;
    "نادر" ["Nader", "Nadir"] 5;
    "رأفت" ["Raafat", "Rafat"] 3;
    "رجب" ["Ragab", "Rajab"] 5;
    "رمضان" ["Ramadan", "Ramadhan"] 6;
    "رشاد" ["Rashad", "Rachad"] 3;
    "صابر" ["Saber", "Sabir"] 4;
    "سالم" ["Salem"] 5;
    "شوقي" ["Shawky", "Shawki", "Shawqi", "Chawki"] 4;
    "سليمان" ["Soliman", "Suleiman", "Sulaiman", "Slimane"] 5;
    "طه" ["Taha"] 4;
    "طلعت" ["Talaat", "Tal'at"] 3;
    "ياسين" ["Yassin", "Yasin", "Yaseen"] 4;
    "يونس" ["Younis", "Yunus", "Younes"] 4;
    "زياد" ["Ziad", "Ziyad"] 5;
    "حمزة" ["Hamza", "Hamzah"] 5;
    "أنس" ["Anas"] 4;
    "بلال" ["Belal", "Bilal"] 4;
    "معاذ" ["Moaz", "Muath", "Mouaz", "Muadh"] 4;
    "سيف" ["Seif", "Saif", "Sayf"] 5;
    "عبده" ["Abdo", "Abdou", "Abduh"] 4;
    "أدهم" ["Adham"] 3;
    "عمار" ["Ammar"] 3;
    "بدر" ["Badr", "Bader"] 3;
    "جابر" ["Gaber", "Jaber", "Jabir"] 4;
    "حامد" ["Hamed", "Hamid"] 5;
    "إسماعيل" ["Ismail", "Esmail", "Ismael"] 5;
    "مهدي" ["Mahdy", "Mahdi"] 3;
    "مازن" ["Mazen", "Mazin"] 4;
    "مراد" ["Morad", "Mourad", "Murad"] 4;
    "مختار" ["Mokhtar", "Mukhtar", "Moukhtar"] 4;
    "ناجي" ["Nagy", "Nagi", "Naji"] 3;
    "نجيب" ["Naguib", "Nagib", "Najib"] 3;
    "عثمان" ["Osman", "Othman", "Uthman"] 4;
    "رؤوف" ["Raouf", "Rauf", "Raof"] 3;
    "وحيد" ["Wahid", "Waheed"] 3;
    "زين" ["Zein", "Zain", "Zeyn"] 3;
    "إمام" ["Emam", "Imam"] 3;
    "عيد" ["Eid", "Eed"] 3;
    "شعبان" ["Shaaban", "Shaban", "Chaabane"] 4;
    "منصور" ["Mansour", "Mansur"] 5;
    "سلامة" ["Salama", "Salamah"] 3;
    "شحاتة" ["Shehata", "Shahata", "Chehata"] 3;
    "متولي" ["Metwally", "Metwali", "Mitwalli"] 3;
    "موسى" ["Moussa", "Mousa", "Musa"] 4;
    "عيسى" ["Eissa", "Issa", "Eisa"] 3;
    "أنور" ["Anwar"] 3;
    "فريد" ["Farid", "Fareed"] 3;
    "أمين" ["Amin", "Ameen"] 4;
    "أكرم" ["Akram"] 3;
    "بهاء" ["Bahaa", "Baha"] 3;
    "ضياء" ["Diaa", "Diya"] 3;
    "حمادة" ["Hamada"] 3;
    "هيثم" ["Haitham", "Haytham", "Heitham"] 4;
    "هادي" ["Hady", "Hadi"] 3;
    "صلاح" ["Salah"] 5;
    "سامر" ["Samer"] 3;
    "حسني" ["Hosny", "Hosni", "Husni"] 4;
    "لطفي" ["Lotfy", "Lotfi", "Lutfi"] 3;
    "فكري" ["Fekry", "Fikri"] 3;
    "شكري" ["Shokry", "Shukri", "Choukri"] 3;
    "صفوت" ["Safwat"] 3;
    "ثروت" ["Tharwat", "Sarwat"] 2;
    "عزت" ["Ezzat", "Izzat", "Ezat"] 3;
    "رفيق" ["Rafik", "Rafiq", "Rafeek"] 2;
    "مؤمن" ["Moamen", "Momen", "Mumin"] 3;
    "جمعة" ["Gomaa", "Gomah", "Jumaa"] 4;
    "خميس" ["Khamis", "Khamees"] 3;
    "مينا" ["Mina", "Meena"] 4;
    "بيشوي" ["Bishoy", "Beshoy"] 3;
    "جرجس" ["Girgis", "Guirguis", "Gerges"] 3;
    "بطرس" ["Boutros", "Botros", "Butrus"] 2;
    "شنودة" ["Shenouda", "Shenoda"] 2;
    "مرقس" ["Morcos", "Markos", "Marcos"] 2;
};

/// Female given names.
pub static FEMALE: &[LexName] = names! { Female;
    "فاطمة" ["Fatma", "Fatima", "Fatmah", "Fatemah"] 20;
    "عائشة" ["Aisha", "Aysha", "Aicha"] 5;
    "مريم" ["Mariam", "Maryam", "Miriam", "Mariem"] 10;
    "نور" ["Nour", "Nur", "Noor"] 8;
    "سارة" ["Sara", "Sarah"] 8;
    "ياسمين" ["Yasmin", "Yasmeen", "Yasmine"] 6;
    "هبة" ["Heba", "Hiba"] 8;
    "منى" ["Mona", "Mouna", "Muna"] 8;
    "أمل" ["Amal"] 6;
    "أسماء" ["Asmaa", "Asma", "Esmaa"] 6;
    "دعاء" ["Doaa", "Duaa"] 5;
    "إيمان" ["Eman", "Iman", "Imane"] 8;
    "غادة" ["Ghada"] 4;
    "هالة" ["Hala"] 4;
    "هناء" ["Hanaa", "Hana"] 4;
    "هند" ["Hend", "Hind"] 4;
    "ليلى" ["Laila", "Leila", "Layla"] 5;
    "منال" ["Manal"] 4;
    "مروة" ["Marwa", "Marwah"] 6;
    "نادية" ["Nadia", "Nadya"] 4;
    "نجلاء" ["Naglaa", "Najlaa"] 3;
    "نهلة" ["Nahla"] 3;
    "نرمين" ["Nermeen", "Nermin"] 3;
    "نهى" ["Noha", "Nuha"] 5;
    "رانيا" ["Rania", "Ranya"] 5;
    "ريم" ["Reem", "Rim"] 4;
    "رشا" ["Rasha"] 4;
    "سلمى" ["Salma"] 5;
    "سماح" ["Samah"] 4;
    "سامية" ["Samia", "Samiya"] 3;
    "شيماء" ["Shaimaa", "Shaima", "Shymaa"] 5;
    "سعاد" ["Soad", "Suad", "Souad"] 3;
    "وفاء" ["Wafaa", "Wafa"] 4;
    "زينب" ["Zeinab", "Zainab", "Zaynab"] 6;
    "آية" ["Aya", "Ayah"] 5;
    "بسمة" ["Basma", "Basmah"] 4;
    "داليا" ["Dalia", "Dalya"] 4;
    "دينا" ["Dina", "Dena"] 5;
    "إنجي" ["Engy", "Injy"] 2;
    "إسراء" ["Esraa", "Israa", "Esra"] 4;
    "فريدة" ["Farida", "Fareeda"] 3;
    "هدير" ["Hadeer", "Hadir"] 3;
    "هاجر" ["Hagar", "Hajar"] 3;
    "هويدا" ["Howaida", "Huwaida"] 2;
    "إيناس" ["Enas", "Inas"] 3;
    "خلود" ["Kholoud", "Khulud"] 3;
    "مها" ["Maha"] 4;
    "مي" ["Mai", "May"] 4;
    "نسمة" ["Nesma", "Nisma"] 3;
    "رضوى" ["Radwa", "Radwah"] 3;
    "صفاء" ["Safaa", "Safa"] 3;
    "سحر" ["Sahar"] 4;
    "سناء" ["Sanaa", "Sana"] 3;
    "شهد" ["Shahd"] 3;
    "شيرين" ["Shereen", "Shirin", "Sherine"] 4;
    "ولاء" ["Walaa", "Wala"] 3;
    "يارا" ["Yara"] 3;
    "إلهام" ["Elham", "Ilham"] 3;
    "ألفت" ["Olfat", "Ulfat"] 2;
    "عبير" ["Abeer", "Abir"] 3;
    "عفاف" ["Afaf"] 2;
    "عزة" ["Azza", "Aza"] 3;
    "حبيبة" ["Habiba", "Habeeba"] 4;
    "هدى" ["Hoda", "Huda"] 5;
    "مارينا" ["Marina"] 2;
    "كريمة" ["Karima", "Kareema"] 2;
};

/// Family names (the last part of a full name; Egyptian full names often end in a
/// great-grandfather's given name instead, which the generator also does).
pub static FAMILY: &[LexName] = names! { Family;
    "السيد" ["El Sayed", "Elsayed", "El-Sayed", "Al Sayed"] 10;
    "المصري" ["El Masry", "Elmasry", "Al Masri", "El-Masri"] 6;
    "الشاذلي" ["El Shazly", "Elshazly", "Al Shadhili"] 4;
    "الجمال" ["El Gamal", "Elgamal", "Al Jamal"] 4;
    "النجار" ["El Naggar", "Elnaggar", "Al Najjar"] 5;
    "الشرقاوي" ["El Sharkawy", "Elsharkawy", "Al Sharqawi"] 4;
    "الطنطاوي" ["El Tantawy", "Eltantawy", "Al Tantawi"] 3;
    "الدسوقي" ["El Desouky", "Eldesouky", "El Dessouky", "Al Dasuqi"] 3;
    "البنا" ["El Banna", "Elbanna", "Al Banna"] 3;
    "الخولي" ["El Khouly", "Elkholy", "El Kholy"] 3;
    "الحسيني" ["El Hosseiny", "Elhosseiny", "Al Husseini"] 3;
    "الزيات" ["El Zayat", "Elzayat", "Al Zayyat"] 2;
    "الفقي" ["El Feky", "Elfeky", "El Fiqi"] 2;
    "البدوي" ["El Badawy", "Badawi", "Badawy"] 3;
    "العربي" ["El Araby", "Elaraby", "Al Arabi"] 3;
    "الشافعي" ["El Shafei", "Elshafei", "Al Shafii"] 2;
    "المنشاوي" ["El Menshawy", "Elmenshawy", "Al Minshawi"] 2;
    "البيومي" ["El Bayoumi", "Bayoumy", "Bayoumi"] 3;
    "الحلواني" ["El Helwany", "Elhelwany", "Al Halawani"] 2;
    "السقا" ["El Sakka", "Elsakka", "Al Saqqa"] 2;
    "الغندور" ["El Ghandour", "Elghandour"] 2;
    "القاضي" ["El Kady", "Elkady", "Al Qadi"] 3;
    "الصاوي" ["El Sawy", "Elsawy", "Al Sawi"] 2;
    "العدوي" ["El Adawy", "Eladawy", "Al Adawi"] 2;
    "الحداد" ["El Haddad", "Elhaddad", "Al Haddad"] 3;
    "الخطيب" ["El Khatib", "Elkhatib", "Al Khatib"] 3;
    "عبد العال" ["Abdel Aal", "Abdelaal", "Abdul Aal"] 3;
    "أبو زيد" ["Abou Zeid", "Abu Zeid", "Abouzeid"] 3;
    "أبو العلا" ["Abou El Ela", "Abul Ela", "Abu El Ela"] 2;
    "أبو الفتوح" ["Abou El Fotouh", "Aboul Fotouh", "Abu El Futuh"] 2;
    "فهمي" ["Fahmy", "Fahmi"] 4;
    "غنيم" ["Ghoneim", "Ghoneem", "Ghonim"] 3;
    "حجازي" ["Hegazy", "Hegazi", "Hijazi"] 4;
    "شرف" ["Sharaf"] 3;
    "رضوان" ["Radwan", "Ridwan"] 3;
    "رزق" ["Rizk", "Rezk", "Rizq"] 3;
    "سليم" ["Selim", "Salim", "Seleem"] 3;
    "وهبة" ["Wahba", "Wahbah"] 2;
    "زغلول" ["Zaghloul", "Zaghlul"] 2;
    "بركات" ["Barakat"] 3;
    "بكر" ["Bakr", "Bakir"] 3;
    "درويش" ["Darwish", "Darwich"] 3;
    "فرج" ["Farag", "Faraj"] 4;
    "غانم" ["Ghanem", "Ghanim"] 3;
    "حافظ" ["Hafez", "Hafiz"] 3;
    "حنفي" ["Hanafy", "Hanafi"] 3;
    "كامل" ["Kamel", "Kamil"] 4;
    "قنديل" ["Kandil", "Qandil", "Kandeel"] 2;
    "مرسي" ["Morsy", "Morsi", "Mursi"] 3;
    "نصر" ["Nasr", "Nassr"] 3;
    "صادق" ["Sadek", "Sadiq"] 3;
    "شاكر" ["Shaker", "Shakir"] 3;
    "زيدان" ["Zidan", "Zeidan", "Zaidan"] 3;
    "عطية" ["Attia", "Atia", "Atiyah"] 3;
    "عوض" ["Awad", "Awwad"] 4;
    "هاشم" ["Hashem", "Hashim"] 3;
    "خطاب" ["Khattab", "Khatab"] 3;
    "محروس" ["Mahrous", "Mahrus"] 2;
    "مكي" ["Mekky", "Makki", "Mekki"] 2;
    "نجم" ["Negm", "Najm", "Nagm"] 2;
    "عكاشة" ["Okasha", "Okacha", "Ukasha"] 2;
    "قطب" ["Kotb", "Qutb", "Qotb"] 2;
    "صقر" ["Sakr", "Saqr"] 2;
    "شلبي" ["Shalaby", "Shalabi", "Chalabi"] 3;
    "طاهر" ["Taher", "Tahir"] 3;
    "علام" ["Allam"] 2;
    "عامر" ["Amer", "Aamer"] 3;
    "عزب" ["Azab", "Azzab"] 2;
    "بهجت" ["Bahgat", "Bahjat"] 2;
    "دياب" ["Diab", "Dyab", "Diyab"] 2;
    "جاد" ["Gad", "Jad"] 2;
    "حجاب" ["Hegab", "Hijab"] 2;
    "هنداوي" ["Hendawy", "Hindawi"] 2;
    "لبيب" ["Labib", "Labeeb"] 2;
    "مدكور" ["Madkour", "Madkur"] 2;
    "مبروك" ["Mabrouk", "Mabruk"] 3;
    "مرزوق" ["Marzouk", "Marzuk", "Marzouq"] 2;
    "معوض" ["Moawad", "Mouawad", "Muawad"] 2;
    "هيكل" ["Heikal", "Haykal"] 2;
    "شعراوي" ["Shaarawy", "Sharawy", "Shaarawi"] 2;
    "الشناوي" ["El Shenawy", "Elshenawy", "Al Shinawi"] 2;
    "تمام" ["Tammam", "Tamam"] 2;
    "سويلم" ["Swilam", "Sweilam", "Suwailim"] 2;
    "طلبة" ["Tolba", "Tulba"] 2;
    "وصفي" ["Wasfy", "Wasfi"] 2;
    "زهران" ["Zahran"] 2;
    "عبد المقصود" ["Abdel Maksoud", "Abdelmaksoud", "Abdul Maqsud"] 2;
    "عبد الجليل" ["Abdel Galil", "Abdelgalil", "Abdul Jalil"] 2;
    "عبد الستار" ["Abdel Sattar", "Abdelsattar", "Abdul Sattar"] 2;
    "عبد الدايم" ["Abdel Dayem", "Abdeldayem", "Abdul Daim"] 2;
    "عبد الهادي" ["Abdel Hady", "Abdelhady", "Abdul Hadi"] 2;
    "عبد الخالق" ["Abdel Khalek", "Abdelkhalek", "Abdul Khaliq"] 2;
    "عبد الصمد" ["Abdel Samad", "Abdelsamad", "Abdul Samad"] 2;
    "عبد الشافي" ["Abdel Shafy", "Abdelshafy", "Abdul Shafi"] 2;
    "عبد التواب" ["Abdel Tawab", "Abdeltawab", "Abdul Tawwab"] 2;
    "إدريس" ["Idris", "Edris", "Idriss"] 2;
    "حسنين" ["Hassanein", "Hasanain", "Hassanin"] 3;
    "شعيب" ["Shoaib", "Shuaib", "Chouaib"] 2;
    "الأنصاري" ["El Ansary", "Elansary", "Al Ansari"] 2;
    "النمر" ["El Nemr", "Elnemr", "Al Nimr"] 2;
    "الديب" ["El Deeb", "Eldeeb", "Al Dib"] 3;
    "الشيخ" ["El Sheikh", "Elsheikh", "Al Shaikh"] 3;
    "الجندي" ["El Gendy", "Elgendy", "Al Jundi"] 3;
    "القصاص" ["El Kassas", "Elkassas", "Al Qassas"] 2;
    "الهواري" ["El Hawary", "Elhawary", "Al Hawari"] 2;
    "الرفاعي" ["El Refaie", "Elrefaie", "Al Rifai"] 2;
    "السباعي" ["El Sebaie", "Elsebaie", "Al Sibai"] 2;
    "الليثي" ["El Leithy", "Elleithy", "Al Laithi"] 2;
    "الكومي" ["El Komy", "Elkomy"] 2;
    "حمودة" ["Hamouda", "Hammouda", "Hamuda"] 3;
    "عبد ربه" ["Abd Rabbo", "Abdrabbo", "Abd Rabbuh"] 2;
    "عرفة" ["Arafa", "Arafah"] 2;
    "سرور" ["Sorour", "Srour", "Surur"] 2;
    "عاشور" ["Ashour", "Ashur"] 2;
    "نوفل" ["Nofal", "Nawfal", "Naufal"] 2;
    "فودة" ["Foda", "Fouda"] 2;
    "رشوان" ["Rashwan"] 2;
    "بدير" ["Bedeir", "Badir", "Bdeir"] 2;
    "شهاب" ["Shehab", "Shihab", "Chehab"] 2;
    "هلال" ["Helal", "Hilal"] 2;
    "الحفناوي" ["El Hefnawy", "Elhefnawy", "Al Hifnawi"] 2;
    "الجوهري" ["El Gohary", "Elgohary", "Al Jawhari"] 2;
    "الكردي" ["El Kordy", "Elkordy", "Al Kurdi"] 2;
    "الشربيني" ["El Sherbiny", "Elsherbiny", "Al Shirbini"] 2;
    "المغربي" ["El Maghraby", "Elmaghraby", "Al Maghribi"] 2;
    "الصعيدي" ["El Saidy", "Elsaidy", "Al Saidi"] 2;
    "النحاس" ["El Nahas", "Elnahas", "Al Nahhas"] 2;
};

/// Given and family names of non-Arab persons (Latin only), for list realism.
pub static FOREIGN_GIVEN: &[&str] = &[
    "John", "Michael", "David", "Ivan", "Sergei", "Viktor", "Carlos", "José", "Pierre", "Jean",
    "Hans", "Lars", "Wei", "Hiroshi", "Dmitri", "Giovanni", "Pedro", "Olga", "Anna", "Maria",
    "Elena", "Sophie", "Chen", "Yuki", "Andrzej", "Nikolai", "Luis", "Miguel", "Thomas", "Peter",
];

/// See [`FOREIGN_GIVEN`].
pub static FOREIGN_FAMILY: &[&str] = &[
    "Smith",
    "Johnson",
    "Petrov",
    "Ivanov",
    "Garcia",
    "Martinez",
    "Dubois",
    "Müller",
    "Schmidt",
    "Li",
    "Wang",
    "Tanaka",
    "Kowalski",
    "Novak",
    "Rossi",
    "Silva",
    "O'Brien",
    "Nguyen",
    "Kim",
    "Popescu",
    "Horvath",
    "Jansen",
    "Larsen",
    "Sokolov",
    "Morozov",
    "Fernández",
    "Lefèvre",
    "Yamamoto",
    "Zhang",
    "Kuznetsov",
];

/// All lexicon names (male, female, family).
pub fn all() -> impl Iterator<Item = &'static LexName> {
    MALE.iter().chain(FEMALE.iter()).chain(FAMILY.iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_meet_the_brief() {
        assert!(
            MALE.len() + FEMALE.len() >= 150,
            "{}",
            MALE.len() + FEMALE.len()
        );
        assert!(FAMILY.len() >= 100, "{}", FAMILY.len());
        for n in all() {
            assert!(!n.latin.is_empty() && n.freq > 0, "{}", n.ar);
        }
    }
}
